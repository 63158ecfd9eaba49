import Foundation

/// What a page's two output files (its HTML and `search/doc/N.json`) are made from, as one hash. When it equals
/// the key the previous build recorded for the same path (and that build's site is still the output folder), the
/// page is not rendered again: both files are linked from the previous site (or left in place).
///
/// The key is made without the page's layout context (`LayoutContexts.renderKey`), from:
/// - `site`: what every page shares: the `lathund` binary, the configuration file, the layouts, the fingerprinted
///   assets, the glossary (abbreviations), the renderer's options and directives, and what links and directives
///   in Markdown read (`markdownInputs`: every page's URL, the content's other files, the datasets' bytes, the
///   FAQ index);
/// - what every context holds the same: the `site` values, the menu's descriptions, the most-asked FAQ entries;
/// - the page's path, URL and the bytes of its file (`Page.sourceHash`), which decide its own values, HTML and
///   plain text; the layout it uses; its change date and its sources' age;
/// - what its context reads of other pages (`LayoutContexts.reads`): the link (title, href, description, summary,
///   date) of each page in its breadcrumbs, previous/next, backlinks, children and related FAQ entries, and the
///   answers in its FAQ structured data. The context takes these from the same `reads`, so the key cannot miss a
///   page the context shows. Editing one page's title re-renders the pages that list or link it, nothing else.
enum IncrementalRenderKey {
    /// What links and directives in Markdown read: every page's URL, the paths of the content's other files,
    /// the base URL, the FAQ index, the bytes of the datasets (`content/data/`) and of `dataFiles` (absolute paths
    /// of other files directives read: the writing aid's rules).
    static func markdownInputs(links: SiteLinks, faq: FAQIndex, contentFiles: [Asset], dataFiles: [String] = [],
                               inputs: InputFiles) -> UInt64 {
        var chain = HashChain()
        for (path, url) in links.pageURLs.sorted(by: { $0.key < $1.key }) {
            chain.add(path)
            chain.add(url)
        }
        for path in links.assetPaths.sorted() { chain.add(path) }
        chain.add(links.basePath)
        chain.add(links.baseURL)
        for entry in faq.entries {
            for field in [entry.question, entry.url, entry.category, entry.anchor, entry.relativePath] { chain.add(field) }
        }
        for file in contentFiles where file.relativePath.hasPrefix("data/") {
            chain.add(file.relativePath)
            chain.add(inputs.hash(file.absolutePath))
        }
        for path in dataFiles {
            chain.add(path)
            chain.add(inputs.hash(path))
        }
        return chain.value
    }

    /// What every page shares: the binary, `settings` (options that change rendering), the configuration file,
    /// the layouts, the fingerprinted assets, the glossary (abbreviations) and `markdownInputs`.
    static func site(settings: [String], configFile: URL, layouts: Layouts, assets: FingerprintedAssets,
                     glossary: [GlossaryTerm], markdownInputs: UInt64, inputs: InputFiles) -> UInt64 {
        var chain = HashChain()
        chain.add(IncrementalCache.executableStamp())
        for setting in settings { chain.add(setting) }
        chain.add(inputs.hash(configFile.path))
        chain.add(layouts.signature)
        chain.add(assets.manifest)
        for term in glossary {
            for field in [term.term, term.expansion ?? "\u{0}", term.definition, term.id] { chain.add(field) }
        }
        chain.add(markdownInputs)
        return chain.value
    }

    /// The key of a file made from a format template (`sitemap.xml`, `feed.xml`): the site key (the binary, whose
    /// built-in templates are the default, and the layouts) and every value of its context, so that one changed
    /// entry, title or date makes it again. A context holding a value the key does not know gets a key of its own.
    static func format<Context: FormatContext>(_ context: Context, site: UInt64) -> UInt64 {
        var chain = HashChain()
        chain.add(site)
        chain.add(Context.format.rawValue)
        return context.addPresentValues(to: &chain) ? chain.value : UInt64.random(in: 0...UInt64.max)
    }

    /// Adds a layout context value with its type and structure (the keys that have a value, in sorted order); false for a
    /// value of another type.
    static func add(_ value: Any, to chain: inout HashChain) -> Bool {
        switch value {
        case let text as String:
            chain.add(1)
            chain.add(text)
        case let flag as Bool where type(of: value) == Bool.self:
            chain.add(flag ? 3 : 2)
        case let number as Int where type(of: value) == Int.self:
            chain.add(4)
            chain.add(UInt64(bitPattern: Int64(number)))
        case let parent as any LayoutValue:
            guard parent.addPresentValues(to: &chain) else { return false }
        case let list as [Any]:
            chain.add(6)
            chain.add(UInt64(list.count))
            for item in list {
                guard add(item, to: &chain) else { return false }
            }
        default:
            return false
        }
        return true
    }
}

extension LayoutValue {
    /// The render key hash of this value's own values (a value of a type the key does not know makes a hash
    /// unique to this build, so it can never match).
    var ownRenderKeyHash: UInt64 {
        var chain = HashChain()
        return addPresentValues(to: &chain) ? chain.value : UInt64.random(in: 0...UInt64.max)
    }
}
