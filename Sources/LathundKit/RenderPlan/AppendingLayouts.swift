import Foundation
import Mustache

/// The page layouts rendered by appending to one string, from swift-mustache's own parse of them.
///
/// swift-mustache renders each tag into a string of its own and looks every name up through `Any` casts and a
/// split of the name (about 200 µs a page, 16 % of a 10 000-page build). Here each template's tokens, as the
/// library parsed them (standalone lines, partials, parents and blocks already resolved), are read once with
/// `Mirror` and rendered by the same rules as the library's `Template+Render.swift` for the kinds of tag the
/// layouts use: text, variables, sections, inverted sections, partials, parents with blocks, the content-type
/// pragma. A template with anything else (transforms, dynamic partials, indentation, a name that starts with
/// `.`) is not compiled, and a page whose render meets a value this does not render as the library does (a
/// lambda such as `asset`, a Mustache template, a custom renderable) is rendered by the library instead: the
/// library stays the authority. `AppendingLayoutsTests` compares the two on every page of the site, of a
/// generated corpus and on random layouts.
struct AppendingLayouts: Sendable {
    /// A template as the library parsed it.
    indirect enum Op: Sendable {
        case text(String)
        /// `{{name}}` (escaped) or `{{{name}}}`; the name split at `.` as the library splits it.
        case value(name: String, path: [String], escaped: Bool)
        case section(name: String, path: [String], [Op])
        case inverted(name: String, path: [String], [Op])
        /// `{{>name}}`, or a parent `{{<name}}` with the blocks it overrides.
        case partial(String, overrides: [String: [Op]]?)
        /// `{{$name}}default{{/name}}` where a template is expanded.
        case block(String, default: [Op])
        /// A content-type pragma: true for the engine's escaper (`Layouts.Escaper`).
        case contentType(ours: Bool)
    }

    /// Every template the library holds under the given names that could be compiled.
    let templates: [String: [Op]]
    /// The names the library has a template for (a partial missing from `templates` was not compiled).
    let known: Set<String>

    init(library: MustacheLibrary, names: some Sequence<String>) {
        var templates: [String: [Op]] = [:]
        var known = Set<String>()
        for name in names {
            guard let template = library.getTemplate(named: name) else { continue }
            known.insert(name)
            if let ops = Self.compile(template) { templates[name] = ops }
        }
        self.templates = templates
        self.known = known
    }

    /// Why a render is handed back to the library.
    struct Unsupported: Error {}

    /// The page `layout` renders for `context`, or nil when the library must render it.
    func render(_ context: Any, layout: String) -> String? {
        guard let ops = templates[layout] else { return nil }
        var output = ""
        do {
            var stack = [try Self.entry(context)]
            try render(ops, stack: &stack, inherited: nil, ours: false, into: &output)
        } catch {
            return nil
        }
        return output
    }

    /// A value on the context stack, with what its look-ups need found once, when it is pushed.
    enum Entry {
        /// Its children are found by `child(named:)`; not a `MustacheCustomRepresentation`.
        case parent(any MustacheParent)
        /// A text, flag or number: no children.
        case plain(Any)
        /// Anything else: children are stored properties, found with `Mirror`, as the library does.
        case other(Any)

        var value: Any {
            switch self {
            case .parent(let parent): parent
            case .plain(let value), .other(let value): value
            }
        }
    }

    /// Texts, flags and numbers conform to none of the library's protocols (a fact of the program, checked once:
    /// only then are they taken without asking).
    static let plainValuesArePlain: Bool = ([String(), false, 0] as [Any]).allSatisfy { value in
        !(value is MustacheParent || value is MustacheCustomRepresentation || value is MustacheCustomRenderable
          || value is any MustacheSequence)
    }

    /// Whether `value` is a text, flag or number, when those are plain.
    @inline(__always) private static func isPlain(_ value: Any) -> Bool {
        // The dynamic type compared, not cast: a cast of a class to String tries bridging first.
        guard plainValuesArePlain else { return false }
        let type = ObjectIdentifier(type(of: value))
        return type == ObjectIdentifier(String.self) || type == ObjectIdentifier(Bool.self) || type == ObjectIdentifier(Int.self)
    }

    @inline(__always) private static func isText(_ value: Any) -> Bool {
        ObjectIdentifier(type(of: value)) == ObjectIdentifier(String.self)
    }

    @inline(__always) private static func isFlag(_ value: Any) -> Bool {
        ObjectIdentifier(type(of: value)) == ObjectIdentifier(Bool.self)
    }

    /// The stack entry for `value`. The context types (`LayoutValue`) are no custom representations, renderables
    /// or sequences (`AppendingLayoutsTests.contextTypesAreOnlyParents`): one cast finds them.
    private static func entry(_ value: Any) throws -> Entry {
        if isPlain(value) { return .plain(value) }
        if let parent = value as? any LayoutValue { return .parent(parent) }
        if value is MustacheCustomRepresentation { throw Unsupported() }
        if let parent = value as? MustacheParent { return .parent(parent) }
        return .other(value)
    }

    // MARK: Rendering, as `MustacheTemplate.render(context:)` and `renderToken` do

    private func render(_ ops: [Op], stack: inout [Entry], inherited: [String: [Op]]?, ours: Bool,
                        into output: inout String) throws {
        var ours = ours
        for op in ops {
            switch op {
            case .text(let text):
                output += text
            case .value(let name, let path, let escaped):
                guard let child = try Self.lookup(name, path, in: stack) else { continue }
                let text: String
                if Self.isPlain(child) {
                    text = Self.isText(child) ? child as! String : String(describing: child)  // a flag or number
                } else {
                    if child is MustacheTemplate || child is MustacheCustomRenderable || child is MustacheLambda
                        || child is MustacheCustomRepresentation {
                        throw Unsupported()
                    }
                    text = String(describing: Self.unwrapped(child))
                }
                if escaped {
                    guard ours else { throw Unsupported() }
                    output += HTML.escape(text)
                } else {
                    output += text
                }
            case .section(let name, let path, let inner):
                try section(name, path, inner, stack: &stack, inherited: inherited, ours: ours, into: &output)
            case .inverted(let name, let path, let inner):
                try inverted(name, path, inner, stack: &stack, inherited: inherited, ours: ours, into: &output)
            case .partial(let name, let overrides):
                guard known.contains(name) else { continue }  // the library renders a missing partial as nothing
                guard let partial = templates[name] else { throw Unsupported() }
                var merged = inherited
                if let overrides {
                    // `withPartial`: the blocks already inherited win over the partial's own.
                    merged = inherited.map { $0.merging(overrides) { value, _ in value } } ?? overrides
                }
                // A partial starts with the library's HTML content type (`withPartial`).
                try render(partial, stack: &stack, inherited: merged, ours: false, into: &output)
            case .block(let name, let fallback):
                try render(inherited?[name] ?? fallback, stack: &stack, inherited: inherited, ours: ours, into: &output)
            case .contentType(let isOurs):
                ours = isOurs
            }
        }
    }

    /// `{{#name}}`: `renderSection`.
    private func section(_ name: String, _ path: [String], _ inner: [Op], stack: inout [Entry], inherited: [String: [Op]]?,
                         ours: Bool, into output: inout String) throws {
        let child = try Self.lookup(name, path, in: stack)
        // Texts, flags, numbers and contexts first: none is a lambda, sequence or custom renderable.
        if let child, Self.isPlain(child) {
            if Self.isFlag(child) {
                if child as! Bool { try render(inner, stack: &stack, inherited: inherited, ours: ours, into: &output) }
            } else {
                stack.append(.plain(child))
                try render(inner, stack: &stack, inherited: inherited, ours: ours, into: &output)
                stack.removeLast()
            }
            return
        }
        if let parent = child as? any LayoutValue {
            stack.append(.parent(parent))
            try render(inner, stack: &stack, inherited: inherited, ours: ours, into: &output)
            stack.removeLast()
            return
        }
        if let child, child is MustacheCustomRepresentation || child is MustacheLambda { throw Unsupported() }
        switch child {
        case let sequence as any MustacheSequence:
            for element in Self.elements(sequence) {
                stack.append(try Self.entry(element))
                try render(inner, stack: &stack, inherited: inherited, ours: ours, into: &output)
                stack.removeLast()
            }
        case let flag as Bool:
            if flag { try render(inner, stack: &stack, inherited: inherited, ours: ours, into: &output) }
        case is MustacheCustomRenderable:
            throw Unsupported()
        case .some(let value):
            stack.append(try Self.entry(value))
            try render(inner, stack: &stack, inherited: inherited, ours: ours, into: &output)
            stack.removeLast()
        case .none:
            break
        }
    }

    /// `{{^name}}`: `renderInvertedSection`.
    private func inverted(_ name: String, _ path: [String], _ inner: [Op], stack: inout [Entry], inherited: [String: [Op]]?,
                          ours: Bool, into output: inout String) throws {
        let child = try Self.lookup(name, path, in: stack)
        if let child, Self.isPlain(child) || child is any LayoutValue {
            if Self.isFlag(child), !(child as! Bool) {
                try render(inner, stack: &stack, inherited: inherited, ours: ours, into: &output)
            }
            return
        }
        if let child, child is MustacheCustomRepresentation { throw Unsupported() }
        switch child {
        case let sequence as any MustacheSequence:
            if Self.elements(sequence).isEmpty {
                stack.append(try Self.entry(sequence))
                try render(inner, stack: &stack, inherited: inherited, ours: ours, into: &output)
                stack.removeLast()
            }
        case let flag as Bool:
            if !flag { try render(inner, stack: &stack, inherited: inherited, ours: ours, into: &output) }
        case is MustacheCustomRenderable:
            throw Unsupported()
        case .some:
            break
        case .none:
            try render(inner, stack: &stack, inherited: inherited, ours: ours, into: &output)
        }
    }

    /// `getChild(named:transforms:context:)` without transforms, up to (not including) its custom representation.
    private static func lookup(_ name: String, _ path: [String], in stack: [Entry]) throws -> Any? {
        if name == "." { return stack.last?.value }
        guard let first = path.first else { return stack.last?.value }
        for entry in stack.reversed() {
            guard var child = try immediateChild(first, of: entry) else { continue }
            for next in path.dropFirst() {
                let entry = try Self.entry(child)
                if case .other(let value) = entry, value is MustacheLambda { throw Unsupported() }
                guard let found = try immediateChild(next, of: entry) else { return nil }
                child = found
            }
            return child
        }
        return nil
    }

    /// `_getImmediateChild(named:from:)`: a parent's child, or a stored property found by `Mirror`.
    private static func immediateChild(_ name: String, of entry: Entry) throws -> Any? {
        switch entry {
        case .parent(let parent):
            return parent.child(named: name)
        case .plain:
            return nil
        case .other(let object):
            guard let matched = Mirror(reflecting: object).children.first(where: { $0.label == name }) else { return nil }
            let mirror = Mirror(reflecting: matched.value)
            guard mirror.displayStyle == .optional else { return matched.value }
            return mirror.children.first?.value
        }
    }

    private static func elements<S: Sequence>(_ sequence: S) -> [Any] { sequence.map { $0 } }

    /// `unwrapIfAnyContainsOptional`.
    private static func unwrapped(_ value: Any) -> Any {
        guard let optional = value as? any OptionalValue else { return value }
        return optional.wrappedAny ?? value
    }

    // MARK: Reading the library's tokens

    /// The template's tokens as ops, or nil when one is of a kind this does not render.
    static func compile(_ template: MustacheTemplate) -> [Op]? {
        guard let tokens = Mirror(reflecting: template).children.first(where: { $0.label == "tokens" })?.value,
              let list = tokens as? [Any] else { return nil }
        var ops: [Op] = []
        for token in list {
            guard let op = compileToken(token) else { return nil }
            ops.append(op)
        }
        return ops
    }

    private static func compileToken(_ token: Any) -> Op? {
        let mirror = Mirror(reflecting: token)
        guard mirror.displayStyle == .enum, let payload = mirror.children.first, let kind = payload.label else { return nil }
        let fields = Mirror(reflecting: payload.value).children.map { $0 }
        func field(_ label: String) -> Any? { fields.first { $0.label == label }?.value }
        func name(_ text: Any?) -> (String, [String])? {
            guard let name = text as? String, !name.isEmpty, name == "." || !name.hasPrefix(".") else { return nil }
            return (name, name.split(separator: ".").map { String($0) })
        }
        func noTransforms() -> Bool { (field("transforms") as? [String])?.isEmpty == true }
        func template(_ value: Any?) -> [Op]? { (value as? MustacheTemplate).flatMap(compile) }
        func noIndentation(_ value: Any?) -> Bool {
            guard let value else { return false }
            guard let text = value as? String? else { return false }
            return text == nil || text == ""
        }
        switch kind {
        case "text":
            return (payload.value as? String).map(Op.text)
        case "variable", "unescapedVariable":
            guard fields.count == 2, noTransforms(), let (name, path) = name(field("name")) else { return nil }
            return .value(name: name, path: path, escaped: kind == "variable")
        case "section", "invertedSection":
            guard fields.count == 3, noTransforms(), let (name, path) = name(field("name")),
                  let inner = template(field("template")) else { return nil }
            return kind == "section" ? .section(name: name, path: path, inner) : .inverted(name: name, path: path, inner)
        case "partial":
            guard fields.count == 3, let partial = fields[0].value as? String, noIndentation(field("indentation")),
                  let inheritsField = field("inherits") else { return nil }
            guard let inherits = inheritsField as? [String: MustacheTemplate] else {
                // No overrides: the field is an empty Optional.
                let empty = Mirror(reflecting: inheritsField)
                return empty.displayStyle == .optional && empty.children.isEmpty ? .partial(partial, overrides: nil) : nil
            }
            var overrides: [String: [Op]] = [:]
            for (block, text) in inherits {
                guard let ops = compile(text) else { return nil }
                overrides[block] = ops
            }
            return .partial(partial, overrides: overrides)
        case "blockExpansion":
            guard fields.count == 3, let name = field("name") as? String, noIndentation(field("indentation")),
                  let fallback = template(field("default")) else { return nil }
            return .block(name, default: fallback)
        case "contentType":
            return .contentType(ours: payload.value is Layouts.Escaper)
        default:  // dynamic partials, block definitions outside a parent
            return nil
        }
    }
}

/// Lets `AppendingLayouts.unwrapped` see through an `Optional` in an `Any`, as the library's `AnyOptional` does.
private protocol OptionalValue {
    var wrappedAny: Any? { get }
}

extension Optional: OptionalValue {
    fileprivate var wrappedAny: Any? { self }
}
