/// The directives every build registers. The FAQ and statistics features add theirs here.
public enum StandardDirectives {
    public static var registry: DirectiveRegistry { DirectiveRegistry([FAQDirective(), ChartDirective(), TableDirective()]) }
}
