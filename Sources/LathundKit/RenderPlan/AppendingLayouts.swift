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
        case text([UInt8])
        /// `{{name}}` (escaped) or `{{{name}}}`; the name split at `.` as the library splits it.
        case value(path: [Name], escaped: Bool)
        case section(path: [Name], [Op])
        case inverted(path: [Name], [Op])
        /// `{{>name}}`, or a parent `{{<name}}` with the blocks it overrides.
        case partial(String, overrides: [String: [Op]]?)
        /// `{{$name}}default{{/name}}` where a template is expanded.
        case block(String, default: [Op])
        /// A content-type pragma: true for the engine's escaper (`Layouts.Escaper`).
        case contentType(ours: Bool)
    }

    /// A part of a looked-up name, with its number among all the names the templates look up (`KeyTable`).
    struct Name: Sendable {
        let text: String
        let id: Int
    }

    /// Every template the library holds under the given names that could be compiled.
    let templates: [String: [Op]]
    /// The names the library has a template for (a partial missing from `templates` was not compiled).
    let known: Set<String>
    let keys: KeyTable

    init(library: MustacheLibrary, names: some Sequence<String>) {
        var templates: [String: [Op]] = [:]
        var known = Set<String>()
        var ids: [String: Int] = [:]
        for name in names {
            guard let template = library.getTemplate(named: name) else { continue }
            known.insert(name)
            if let ops = Self.compile(template, ids: &ids) { templates[name] = ops }
        }
        self.templates = templates
        self.known = known
        keys = KeyTable(names: ids)
    }

    /// What each name finds in each context type of `LayoutContext.types`, found once: a look-up in a context is
    /// then the type's place in that list (its identity compared, not a cast to `any LayoutValue`) and a read at
    /// the name's number, not `child(named:)`'s switch over the key's text.
    struct KeyTable: Sendable {
        /// `LayoutContext.types`, and the arrays of each, by identity.
        let types: [ObjectIdentifier]
        let arrays: [ObjectIdentifier]
        /// `forEachElement` of each type.
        let elements: [@Sendable (Any, (Any) throws -> Void) throws -> Void]
        /// By type, then name: `readers[type * names + name]`.
        let readers: [LayoutKeyReader?]
        let names: Int

        init(names ids: [String: Int]) {
            let list = LayoutContext.types
            types = list.map { ObjectIdentifier($0) }
            arrays = list.map { $0.arrayType }
            elements = list.map { type in { try type.forEachElement($0, $1) } }
            var byID = [String](repeating: "", count: ids.count)
            for (name, id) in ids { byID[id] = name }
            readers = list.flatMap { type in byID.map { type.reader($0) } }
            names = ids.count
        }

        /// The place of `value`'s type in `LayoutContext.types`.
        @inline(__always) func type(of value: Any) -> Int? {
            types.firstIndex(of: ObjectIdentifier(Swift.type(of: value)))
        }

        /// The place in `LayoutContext.types` of the type whose array `value` is.
        @inline(__always) func arrayType(of value: Any) -> Int? {
            arrays.firstIndex(of: ObjectIdentifier(Swift.type(of: value)))
        }

        @inline(__always) func child(_ name: Name, of value: Any, type: Int) -> Any? {
            readers[type * names + name.id]?(value)
        }
    }

    /// Why a render is handed back to the library.
    struct Unsupported: Error {}

    /// The page `layout` renders for `context`, or nil when the library must render it.
    func render(_ context: Any, layout: String) -> String? {
        renderBytes(context, layout: layout).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `render` as UTF-8 bytes: a page's file is written from them.
    func renderBytes(_ context: Any, layout: String) -> [UInt8]? {
        guard let ops = templates[layout] else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(1 << 14)  // most pages are 8–16 KB: no copy on the way there
        do {
            var stack = [try entry(context)]
            try render(ops, stack: &stack, inherited: nil, ours: false, into: &output)
        } catch {
            return nil
        }
        return output
    }

    /// A value on the context stack, with what its look-ups need found once, when it is pushed.
    enum Entry {
        /// A value of `LayoutContext.types[type]`: its children are found in `keys`.
        case typed(Any, type: Int)
        /// Its children are found by `child(named:)`; not a `MustacheCustomRepresentation`.
        case parent(any MustacheParent)
        /// A text, flag or number: no children.
        case plain(Any)
        /// Anything else: children are stored properties, found with `Mirror`, as the library does.
        case other(Any)

        var value: Any {
            switch self {
            case .parent(let parent): parent
            case .typed(let value, _), .plain(let value), .other(let value): value
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

    /// `HTMLText`: like a text, no children and no other protocol of the library (`contextTypesAreOnlyParents`).
    @inline(__always) private static func isHTML(_ value: Any) -> Bool {
        ObjectIdentifier(type(of: value)) == ObjectIdentifier(HTMLText.self)
    }

    /// The stack entry for `value`. The context types (`LayoutValue`) are no custom representations, renderables
    /// or sequences (`AppendingLayoutsTests.contextTypesAreOnlyParents`): those of `LayoutContext.types` are found by
    /// their type's identity, any other by one cast.
    private func entry(_ value: Any) throws -> Entry {
        if Self.isPlain(value) || Self.isHTML(value) { return .plain(value) }
        if let type = keys.type(of: value) { return .typed(value, type: type) }
        if let parent = value as? any LayoutValue { return .parent(parent) }
        if value is MustacheCustomRepresentation { throw Unsupported() }
        if let parent = value as? MustacheParent { return .parent(parent) }
        return .other(value)
    }

    // MARK: Rendering, as `MustacheTemplate.render(context:)` and `renderToken` do

    private func render(_ ops: [Op], stack: inout [Entry], inherited: [String: [Op]]?, ours: Bool,
                        into output: inout [UInt8]) throws {
        var ours = ours
        for op in ops {
            switch op {
            case .text(let text):
                output.append(contentsOf: text)
            case .value(let path, let escaped):
                guard let child = try lookup(path, in: stack) else { continue }
                if escaped, !ours { throw Unsupported() }
                try Self.value(child, escaped: escaped, into: &output)
            case .section(let path, let inner):
                try section(path, inner, stack: &stack, inherited: inherited, ours: ours, into: &output)
            case .inverted(let path, let inner):
                try inverted(path, inner, stack: &stack, inherited: inherited, ours: ours, into: &output)
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

    /// `{{name}}` or `{{{name}}}` of a value found: `renderToken`'s text, escaped by `Layouts.Escaper` or not.
    private static func value(_ child: Any, escaped: Bool, into output: inout [UInt8]) throws {
        if isHTML(child) {
            let html = (child as! HTMLText).bytes
            escaped ? HTMLBytes.appendEscaped(html, to: &output) : output.append(contentsOf: html)
            return
        }
        var text: String
        if isPlain(child) {
            text = isText(child) ? child as! String : String(describing: child)  // a flag or number
        } else {
            if child is MustacheTemplate || child is MustacheCustomRenderable || child is MustacheLambda
                || child is MustacheCustomRepresentation {
                throw Unsupported()
            }
            text = String(describing: unwrapped(child))
        }
        text.withUTF8 { bytes in
            escaped ? HTMLBytes.appendEscaped(bytes, to: &output) : output.append(contentsOf: bytes)
        }
    }

    /// `{{#name}}`: `renderSection`.
    private func section(_ path: [Name], _ inner: [Op], stack: inout [Entry], inherited: [String: [Op]]?,
                         ours: Bool, into output: inout [UInt8]) throws {
        let child = try lookup(path, in: stack)
        // Texts, flags, numbers, HTML and contexts first: none is a lambda, sequence or custom renderable.
        if let child, Self.isPlain(child) || Self.isHTML(child) {
            if Self.isFlag(child) {
                if child as! Bool { try render(inner, stack: &stack, inherited: inherited, ours: ours, into: &output) }
            } else {
                stack.append(.plain(child))
                try render(inner, stack: &stack, inherited: inherited, ours: ours, into: &output)
                stack.removeLast()
            }
            return
        }
        if let child, let type = keys.type(of: child) {
            stack.append(.typed(child, type: type))
            try render(inner, stack: &stack, inherited: inherited, ours: ours, into: &output)
            stack.removeLast()
            return
        }
        // An array of contexts (an `Array`: a sequence, not a custom representation, renderable or lambda).
        if let child, let type = keys.arrayType(of: child) {
            try keys.elements[type](child) { element in
                stack.append(.typed(element, type: type))
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
                stack.append(try entry(element))
                try render(inner, stack: &stack, inherited: inherited, ours: ours, into: &output)
                stack.removeLast()
            }
        case let flag as Bool:
            if flag { try render(inner, stack: &stack, inherited: inherited, ours: ours, into: &output) }
        case is MustacheCustomRenderable:
            throw Unsupported()
        case .some(let value):
            stack.append(try entry(value))
            try render(inner, stack: &stack, inherited: inherited, ours: ours, into: &output)
            stack.removeLast()
        case .none:
            break
        }
    }

    /// `{{^name}}`: `renderInvertedSection`.
    private func inverted(_ path: [Name], _ inner: [Op], stack: inout [Entry], inherited: [String: [Op]]?,
                          ours: Bool, into output: inout [UInt8]) throws {
        let child = try lookup(path, in: stack)
        if let child, Self.isPlain(child) || Self.isHTML(child) || keys.type(of: child) != nil || child is any LayoutValue {
            if Self.isFlag(child), !(child as! Bool) {
                try render(inner, stack: &stack, inherited: inherited, ours: ours, into: &output)
            }
            return
        }
        if let child, child is MustacheCustomRepresentation { throw Unsupported() }
        switch child {
        case let sequence as any MustacheSequence:
            if Self.elements(sequence).isEmpty {
                stack.append(try entry(sequence))
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
    /// `.` is an empty path (the library's split of it).
    private func lookup(_ path: [Name], in stack: [Entry]) throws -> Any? {
        guard let first = path.first else { return stack.last?.value }
        for entry in stack.reversed() {
            guard var child = try immediateChild(first, of: entry) else { continue }
            for next in path.dropFirst() {
                let entry = try self.entry(child)
                if case .other(let value) = entry, value is MustacheLambda { throw Unsupported() }
                guard let found = try immediateChild(next, of: entry) else { return nil }
                child = found
            }
            return child
        }
        return nil
    }

    /// `_getImmediateChild(named:from:)`: a parent's child, or a stored property found by `Mirror`.
    private func immediateChild(_ name: Name, of entry: Entry) throws -> Any? {
        switch entry {
        case .typed(let value, let type):
            return keys.child(name, of: value, type: type)
        case .parent(let parent):
            return parent.child(named: name.text)
        case .plain:
            return nil
        case .other(let object):
            guard let matched = Mirror(reflecting: object).children.first(where: { $0.label == name.text }) else { return nil }
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
    /// `ids` numbers the names looked up (`Name`), new names as they come.
    static func compile(_ template: MustacheTemplate, ids: inout [String: Int]) -> [Op]? {
        guard let tokens = Mirror(reflecting: template).children.first(where: { $0.label == "tokens" })?.value,
              let list = tokens as? [Any] else { return nil }
        var ops: [Op] = []
        for token in list {
            guard let op = compileToken(token, ids: &ids) else { return nil }
            ops.append(op)
        }
        return ops
    }

    private static func compileToken(_ token: Any, ids: inout [String: Int]) -> Op? {
        let mirror = Mirror(reflecting: token)
        guard mirror.displayStyle == .enum, let payload = mirror.children.first, let kind = payload.label else { return nil }
        let fields = Mirror(reflecting: payload.value).children.map { $0 }
        func field(_ label: String) -> Any? { fields.first { $0.label == label }?.value }
        func path(_ text: Any?) -> [Name]? {
            guard let name = text as? String, !name.isEmpty, name == "." || !name.hasPrefix(".") else { return nil }
            return name.split(separator: ".").map { part in
                let text = String(part)
                if ids[text] == nil { ids[text] = ids.count }
                return Name(text: text, id: ids[text]!)
            }
        }
        func noTransforms() -> Bool { (field("transforms") as? [String])?.isEmpty == true }
        func template(_ value: Any?) -> [Op]? { (value as? MustacheTemplate).flatMap { compile($0, ids: &ids) } }
        func noIndentation(_ value: Any?) -> Bool {
            guard let value else { return false }
            guard let text = value as? String? else { return false }
            return text == nil || text == ""
        }
        switch kind {
        case "text":
            return (payload.value as? String).map { Op.text(Array($0.utf8)) }
        case "variable", "unescapedVariable":
            guard fields.count == 2, noTransforms(), let path = path(field("name")) else { return nil }
            return .value(path: path, escaped: kind == "variable")
        case "section", "invertedSection":
            guard fields.count == 3, noTransforms(), let path = path(field("name")),
                  let inner = template(field("template")) else { return nil }
            return kind == "section" ? .section(path: path, inner) : .inverted(path: path, inner)
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
                guard let ops = compile(text, ids: &ids) else { return nil }
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

/// `HTML.escape` of UTF-8 bytes, appended: the five characters it replaces are ASCII, and in UTF-8 no byte of another
/// character is ASCII, so replacing them byte by byte gives its bytes (`AppendingLayoutsTests.escapingBytesIsHTMLEscape`).
enum HTMLBytes {
    private static let amp = Array("&amp;".utf8), lt = Array("&lt;".utf8), gt = Array("&gt;".utf8)
    private static let quot = Array("&quot;".utf8), apos = Array("&#39;".utf8)

    @inline(__always) private static func isSpecial(_ byte: UInt8) -> Bool {
        byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27
    }

    static func appendEscaped(_ bytes: some Collection<UInt8>, to output: inout [UInt8]) {
        guard bytes.contains(where: isSpecial) else {
            output.append(contentsOf: bytes)
            return
        }
        for byte in bytes {
            switch byte {
            case 0x26: output.append(contentsOf: amp)
            case 0x3C: output.append(contentsOf: lt)
            case 0x3E: output.append(contentsOf: gt)
            case 0x22: output.append(contentsOf: quot)
            case 0x27: output.append(contentsOf: apos)
            default: output.append(byte)
            }
        }
    }
}
