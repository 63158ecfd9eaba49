import Foundation
import Testing
@testable import LathundKit

/// The build cache's record (`IncrementalCache.encode`) writes its pages by hand; `JSONDecoder` must read back
/// the record it was given.
@Suite struct RecordCodingTests {
    @Test func theRecordReadsBackAsItWasWritten() throws {
        let site = try IncrementalBuildTests.projectCopy()
        defer { site.cleanUp() }
        let built = try site.build()
        #expect(built.succeeded)
        let cache = IncrementalCache(folder: site.root.appendingPathComponent(".lathund-cache"),
                                     output: site.root.appendingPathComponent("site"))
        var record = try #require(cache.loadRecord())
        #expect(record.pages.count > 50)
        #expect(record.pages.contains { $0.lix != nil && $0.reviewedBy != nil && $0.changed != nil })
        record.pages[0].title = "\"citat\" <b>&</b> \\ \u{2028} rad\nny\t\u{01} åäö"
        record.pages[1].lix = 0.1 + 0.2
        record.pages[2].lix = nil
        record.pages[2].lixBand = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let back = try JSONDecoder().decode(IncrementalCache.Record.self, from: IncrementalCache.encode(record))
        #expect(try encoder.encode(back) == encoder.encode(record))
        // Written a few pages at a time on several threads: the same bytes.
        for (jobs, chunk) in [(3, 7), (2, 1), (4, record.pages.count), (2, record.pages.count - 1)] {
            #expect(try IncrementalCache.encode(record, jobs: jobs, chunk: chunk) == IncrementalCache.encode(record), "\(jobs) jobs, \(chunk) a chunk")
        }
        record.pages = []
        let empty = try JSONDecoder().decode(IncrementalCache.Record.self, from: IncrementalCache.encode(record))
        #expect(try encoder.encode(empty) == encoder.encode(record))
    }
}
