/// The directives every build registers. The FAQ, statistics and writing-aid features add theirs here.
public enum StandardDirectives {
    public static var registry: DirectiveRegistry { DirectiveRegistry([FAQDirective(), ChartDirective(), TableDirective(), WritingAidDirective()]) }
}
