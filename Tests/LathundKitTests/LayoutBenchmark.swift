import Foundation
import Testing
@testable import LathundKit

/// The layout step alone (issue 16): every page of a site rendered through its layout, once with the typed
/// contexts (`LayoutContext`, read through `MustacheParent`) and once with the same values as nested dictionaries,
/// the contexts the engine used before. A benchmark, not a test: it runs only with LATHUND_LAYOUT_BENCH=1
/// (`Benchmarks/layout_bench.sh` builds the tests in release and runs it), prints µs per page, and asserts only
/// that both render the same HTML. LATHUND_LAYOUT_BENCH_SITE names the project (default: this repository's site).
@Suite struct LayoutBenchmark {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["LATHUND_LAYOUT_BENCH"] == "1"))
    func typedAgainstDictionaryContexts() throws {
        let environment = ProcessInfo.processInfo.environment
        let stages = try LayoutStages(root: URL(fileURLWithPath: environment["LATHUND_LAYOUT_BENCH_SITE"] ?? packageRoot.path))
        let (setup, markdown, index, layouts, contexts) = (stages.setup, stages.markdown, stages.index, stages.layouts, stages.contexts)
        var pages: [(position: Int, html: [UInt8], layout: String)] = []
        for position in index.pages.indices {
            let page = index.pages[position].page
            guard let layout = LayoutChoice.layout(for: page, in: layouts, displayRoot: setup.layoutsDisplay).value ?? nil else { continue }
            pages.append((position, try markdown.markdown.output(page).html, layout))
        }
        let clock = ContinuousClock()
        var typed: [LayoutContext] = []
        let making = clock.measure { typed = pages.map { contexts.pageContext($0.position, html: $0.html) } }
        let dictionaries = typed.map(Self.dictionary)
        for (number, page) in pages.enumerated() {
            #expect(layouts.render(typed[number], layout: page.layout)
                    == layouts.library.render(dictionaries[number], withTemplate: page.layout), "\(page.layout)")
        }
        let rounds = Int(environment["LATHUND_LAYOUT_BENCH_ROUNDS"] ?? "") ?? 5
        var typedTimes: [Duration] = []
        var dictionaryTimes: [Duration] = []
        for _ in 0..<rounds {  // alternating, so both see the same machine
            typedTimes.append(clock.measure { for (number, page) in pages.enumerated() { _ = layouts.render(typed[number], layout: page.layout) } })
            dictionaryTimes.append(clock.measure {
                for (number, page) in pages.enumerated() { _ = layouts.library.render(dictionaries[number], withTemplate: page.layout) }
            })
        }
        func microseconds(_ duration: Duration) -> Double {
            (Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12) / Double(pages.count)
        }
        let typedMedian = microseconds(typedTimes.sorted()[rounds / 2])
        let dictionaryMedian = microseconds(dictionaryTimes.sorted()[rounds / 2])
        print("""
            layout bench: \(pages.count) pages, \(rounds) rounds, median µs per page
              typed contexts (MustacheParent): \(String(format: "%.1f", typedMedian)) µs  (all: \(typedTimes.map { String(format: "%.1f", microseconds($0)) }.joined(separator: " ")))
              dictionary contexts:             \(String(format: "%.1f", dictionaryMedian)) µs  (all: \(dictionaryTimes.map { String(format: "%.1f", microseconds($0)) }.joined(separator: " ")))
              typed / dictionary: \(String(format: "%.3f", typedMedian / dictionaryMedian))
              making the typed contexts (once, with abbreviation marking): \(String(format: "%.1f", microseconds(making))) µs per page
            """)
    }

    /// A typed context as the nested dictionaries and lists the engine used to render: the keys that have a value.
    static func dictionary(_ value: Any) -> Any {
        if let parent = value as? any LayoutValue {
            return Dictionary(uniqueKeysWithValues: parent.presentValues.map { ($0.key, dictionary($0.value)) })
        }
        if let list = value as? [Any] { return list.map(dictionary) }
        return value
    }
}
