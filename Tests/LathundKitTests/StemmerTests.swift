import Foundation
import Testing
@testable import LathundKit

/// The Swedish stemmer against the official Snowball test vocabulary in Tests/data/snowball-swedish
/// (line n of output.txt is the stem of line n of voc.txt).
/// layouts/assets/search.js has the same checks in Tests/js/stem.test.mjs.
@Suite struct SwedishStemmerTests {
    static let dataFolder = packageRoot.appendingPathComponent("Tests/data/snowball-swedish/")

    static func lines(_ name: String) throws -> [String] {
        let text = try String(contentsOf: dataFolder.appendingPathComponent(name), encoding: .utf8)
        var result = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if result.last == "" { result.removeLast() }
        return result
    }

    @Test func reproducesOfficialVocabulary() throws {
        let words = try Self.lines("voc.txt")
        let expected = try Self.lines("output.txt")
        #expect(words.count == 30_738)
        try #require(words.count == expected.count, "output.txt must have one stem per word")
        var mismatches: [String] = []
        var count = 0
        for (index, (word, stem)) in zip(words, expected).enumerated() {
            let got = SwedishStemmer.stem(word)
            if got != stem {
                count += 1
                if mismatches.count < 10 { mismatches.append("line \(index + 1): \(word) → \(got), expected \(stem)") }
            }
        }
        #expect(count == 0, "\(count) of \(words.count) mismatches, first ones:\n\(mismatches.joined(separator: "\n"))")
    }

    @Test(arguments: [
        // Domain words.
        ("sjukpenningen", "sjukpenning"),
        ("sjukskrivningar", "sjukskrivning"),
        ("läkarintygen", "läkarintyg"),
        ("försäkringskassans", "försäkringskassan"),
        ("kompletteringar", "komplettering"),
        ("arbetsförmågan", "arbetsförmågan"), // -an is not a suffix
        // Definite article: -en and (sometimes) -et go, bare -n and -t stay.
        ("husen", "hus"),
        ("valet", "val"),
        ("flickan", "flickan"),
        ("äpplet", "äpplet"),
        // Snowball 3: -et / -ets after a valid et-ending.
        ("allvaret", "allvar"),
        ("beslutet", "beslut"),
        ("altarets", "altar"),
        ("frihet", "frihet"), // -het is itself a suffix, but not in R1 here
        ("friheten", "frihet"),
        ("kontinuitet", "kontinuitet"),
        ("societet", "societet"),
        ("komet", "komet"),
        ("alfabet", "alfabet"),
        ("raket", "raket"),
        ("paket", "paket"),
        ("staket", "staket"),
        // Step 2 and step 3.
        ("friskt", "frisk"),
        ("fullt", "fullt"), // too short: fullt is not in R1
        ("kraftfullt", "kraftfull"),
        ("kvinnorna", "kvinn"),
        ("ensligt", "ens"), // -gt → -g (step 2), then -lig (step 3)
        ("lyckligt", "lyck"),
        // Snowball 3: öst → ös after any of i k l n p r t u v, only öst in R1.
        ("generöst", "generös"),
        ("barnlöst", "barnlös"),
        ("brusalahöst", "brusalahöst"), // h is not a valid öst-ending
        ("bröst", "bröst"), // not in R1
        // Lowercasing is part of stem().
        ("SJUKPENNINGEN", "sjukpenning"),
        ("Försäkringskassans", "försäkringskassan"),
        ("ÅTERINSJUKNANDE", "återinsjukn"),
        // Edge cases.
        ("", ""),
        ("å", "å"),
        ("ös", "ös"),
    ])
    func examples(word: String, stem: String) {
        #expect(SwedishStemmer.stem(word) == stem)
    }
}
