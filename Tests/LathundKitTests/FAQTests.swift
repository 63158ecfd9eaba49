import Foundation
import Testing
@testable import LathundKit

@Suite struct SwedishCollationTests {
    @Test func swedishOrderPutsÅÄÖAfterZ() {
        let words = ["Ökad", "Arbete", "Ändring", "Zon", "Åter", "Bil", "ärende", "Écu", "Yta", "Über", "10 dagar"]
        #expect(words.sorted(by: SwedishCollation.areInIncreasingOrder)
            == ["10 dagar", "Arbete", "Bil", "Écu", "Über", "Yta", "Zon", "Åter", "Ändring", "ärende", "Ökad"])
    }

    /// The key of a text of Latin-1 characters is made from its bytes (`latinKey`): it equals the key made one
    /// character at a time, for random texts of ASCII, Swedish and other Latin-1 letters, and of characters that
    /// leave the fast path (CR LF, a combining accent, Greek, a dash, an emoji).
    @Test func theKeyOfLatinTextEqualsTheKeyMadeCharacterByCharacter() {
        var random = SeededRandom(seed: 23)
        let latin = (0x20..<0x7F).map { Character(Unicode.Scalar(UInt8($0))) } + Array("åäöÅÄÖéÉèüÜæÆøØñÑßçÿ×÷")
        let others: [Character] = ["\r\n", "\r", "\n", "\t", "e\u{301}", "Σ", "ς", "İ", "–", "”", "😀", "\u{85}", "\u{A0}", "µ"]
        var fast = 0
        for round in 0..<4_000 {
            let pool = round % 2 == 0 ? latin : latin + others
            let text = String((0..<Int.random(in: 0...24, using: &random)).map { _ in pool.randomElement(using: &random)! })
            let key = SwedishCollation.key(text)
            #expect(key == SwedishCollation.characterKey(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            if SwedishCollation.latinKey(text) != nil { fast += 1 }
        }
        #expect(fast > 1_000, "the fast path was taken \(fast) times")
        #expect(SwedishCollation.latinKey("Högriskskydd undantag 4547") != nil)
        #expect(SwedishCollation.latinKey("a\r\nb") == nil && SwedishCollation.latinKey("e\u{301}") == nil)
    }

    @Test func indexLetters() {
        #expect(SwedishCollation.indexLetter("ändring") == "Ä")
        #expect(SwedishCollation.indexLetter("Écu") == "E")
        #expect(SwedishCollation.indexLetter("”Vad gäller?”") == "V")
        #expect(SwedishCollation.indexLetter("7804 – blanketten") == "#")
    }
}

@Suite struct FAQTests {
    static func faq(_ question: String, _ category: String, related: String = "") -> String {
        "---\ntitle: \"\(question)\"\nquestion: \"\(question)\"\ncategory: \"\(category)\"\n\(related)---\nSvaret på frågan.\n"
    }

    static func site(extra: [String: String] = [:]) throws -> TestSite {
        var files: [String: String] = [
            "faq/_index.md": page("Vanliga frågor"),
            "faq/sgi.md": faq("Vad är SGI?", "SGI", related: "related: [faq/overklaga.md, regelverk/sgi.md]\n"),
            "faq/avslag.md": faq("Är avslaget slutligt?", "Beslut"),
            "faq/overklaga.md": faq("Hur överklagar jag?", "Beslut"),
            "faq/arbete.md": faq("Åter i arbete?", "Beslut"),
            "regelverk/sgi.md": page("SGI"),
        ]
        for (path, text) in extra { files[path] = text }
        return try TestSite(files: files, layouts: TestSite.layouts.merging([
            "faq/section.mustache": """
            {{<base}}{{$main}}{{#faq_categories}}<h2 id="{{anchor}}">{{name}}</h2><ul>{{#entries}}<li id="{{anchor}}"><a href="{{url}}">{{question}}</a></li>{{/entries}}</ul>{{/faq_categories}}
            <div class="az">{{#faq_letters}}<h3 id="{{anchor}}">{{name}}</h3>{{#entries}}<a href="{{url}}">{{question}}</a>;{{/entries}}{{/faq_letters}}</div>
            {{#page.jsonld}}<script type="application/ld+json">{{{page.jsonld}}}</script>{{/page.jsonld}}{{/main}}{{/base}}

            """,
            "page.mustache": "{{<base}}{{$main}}<h1>{{page.title}}</h1>{{{page.content}}}{{#page.faq}}<ul class=\"related\">{{#related}}<li><a href=\"{{url}}\">{{title}}</a></li>{{/related}}</ul>{{/page.faq}}{{#page.jsonld}}<script type=\"application/ld+json\">{{{page.jsonld}}}</script>{{/page.jsonld}}{{/main}}{{/base}}\n",
        ]) { $1 })
    }

    @Test func faqPageListsByCategoryAndAToÖWithStableAnchors() throws {
        let site = try Self.site()
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.succeeded, "\(result.diagnostics)")
        let html = try #require(site.read("site/faq/index.html"))
        #expect(html.contains("<h2 id=\"kategori-beslut\">Beslut</h2><ul><li id=\"fraga-overklaga\"><a href=\"/faq/overklaga/\">Hur överklagar jag?</a></li><li id=\"fraga-arbete\"><a href=\"/faq/arbete/\">Åter i arbete?</a></li><li id=\"fraga-avslag\"><a href=\"/faq/avslag/\">Är avslaget slutligt?</a></li></ul>"))
        #expect(html.contains("<h2 id=\"kategori-sgi\">SGI</h2>"))
        #expect(html.range(of: "kategori-beslut")!.lowerBound < html.range(of: "kategori-sgi")!.lowerBound)
        let letters = html.components(separatedBy: "<h3 id=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(letters == ["bokstav-h", "bokstav-v", "bokstav-aa", "bokstav-ae"])
    }

    @Test func questionPagesShowRelatedAndCarryFAQPageJSONLD() throws {
        let site = try Self.site()
        defer { site.cleanUp() }
        try site.build()
        let html = try #require(site.read("site/faq/sgi/index.html"))
        #expect(html.contains("<ul class=\"related\"><li><a href=\"/faq/overklaga/\">Hur överklagar jag?</a></li><li><a href=\"/regelverk/sgi/\">SGI</a></li></ul>"))
        let json = try #require(html.components(separatedBy: "<script type=\"application/ld+json\">").dropFirst().first?.components(separatedBy: "</script>").first)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(parsed["@type"] as? String == "FAQPage")
        let entity = try #require((parsed["mainEntity"] as? [[String: Any]])?.first)
        #expect(entity["name"] as? String == "Vad är SGI?")
        #expect((entity["acceptedAnswer"] as? [String: Any])?["text"] as? String == "Svaret på frågan.")
        let list = try #require(site.read("site/faq/index.html"))
        #expect(list.components(separatedBy: "\"@type\":\"Question\"").count - 1 == 4)
    }

    @Test func hostileQuestionsStayInertInJSONLD() throws {
        let site = try Self.site(extra: ["faq/ond.md": Self.faq("</script><script>alert(1)</script>", "SGI")])
        defer { site.cleanUp() }
        try site.build()
        let html = try #require(site.read("site/faq/ond/index.html"))
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"))
    }

    @Test func faqDirectiveListsACategoryInAnyPage() throws {
        let site = try Self.site(extra: ["regelverk/beslut.md": page("Beslut", "Frågor:\n\n```faq\ncategory: Beslut\ntitle: Vanliga frågor om beslut\n```\n")])
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.succeeded, "\(result.diagnostics)")
        let html = try #require(site.read("site/regelverk/beslut/index.html"))
        #expect(html.contains("<section class=\"faq-block\">\n<h2>Vanliga frågor om beslut</h2>\n<ul class=\"faq-list\">\n<li><a href=\"/faq/overklaga/\">Hur överklagar jag?</a></li>\n<li><a href=\"/faq/arbete/\">Åter i arbete?</a></li>\n<li><a href=\"/faq/avslag/\">Är avslaget slutligt?</a></li>\n</ul>"))
    }

    @Test func faqDirectiveErrorsAtTheBlock() throws {
        let site = try Self.site(extra: ["regelverk/fel.md": page("Fel", "Text.\n\n```faq\ncategory: Beslt\n```\n\n```faq\n```\n")])
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(!result.succeeded)
        #expect(result.diagnostics.map(\.description) == [
            "content/regelverk/fel.md:7:1: error: no FAQ entry has the category 'Beslt'; did you mean 'Beslut'? [faq-unknown-category]",
            "content/regelverk/fel.md:10:1: error: the faq block needs 'category: NAME' [faq-directive]",
        ])
    }
}
