import Foundation
import Testing
@testable import LathundKit

/// Issue 18, points 1–4: files in `content/` that could run script, addresses in `lathund.yml` and content that
/// browsers read as another site, and an output folder Lathund did not make.
@Suite struct ContentFilePolicyTests {
    // MARK: 1. Files in content/ that run script

    /// The attack the probe ran: an HTML page that loads a script from the site, the script, and an SVG with a
    /// script. None is copied; the build fails and says why, at the SVG's line and column.
    @Test func activeFilesAreRefusedAndNothingIsWritten() throws {
        let site = try TestSite(files: [
            "_index.md": page("Start"),
            "x/raw.html": "<!DOCTYPE html><script src=\"/x/evil.js\"></script>\n",
            "x/evil.js": "document.title = 'pwned';\n",
            "x/evil.mjs": "export {};\n",
            "x/Feed.XML": "<x/>\n",
            "x/evil.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <script href=\"/x/evil.js\"/>\n</svg>\n",
            "x/bild.png": "PNG",
        ])
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(!result.succeeded)
        let found = result.diagnostics.map(\.description).sorted()
        #expect(found == [
            "content/x/Feed.XML: error: a .xml file can run script in the reader's browser and is not copied; write the page in Markdown, or allow the type with 'allow_file_types: [xml]' in lathund.yml (docs/content-files.md) [content-file-type]",
            "content/x/evil.js: error: a .js file can run script in the reader's browser and is not copied; write the page in Markdown, or allow the type with 'allow_file_types: [js]' in lathund.yml (docs/content-files.md) [content-file-type]",
            "content/x/evil.mjs: error: a .mjs file can run script in the reader's browser and is not copied; write the page in Markdown, or allow the type with 'allow_file_types: [mjs]' in lathund.yml (docs/content-files.md) [content-file-type]",
            "content/x/evil.svg:2:3: error: element <script> can run script or embed another document; the SVG file is not copied (docs/content-files.md) [svg-unsafe]",
            "content/x/raw.html: error: a .html file can run script in the reader's browser and is not copied; write the page in Markdown, or allow the type with 'allow_file_types: [html]' in lathund.yml (docs/content-files.md) [content-file-type]",
        ], "\(found)")
        #expect(!site.exists("site"))
    }

    /// Allowed types are copied as they are (the server sandboxes them); `svg` in the list skips the check; a
    /// file named like Lathund's pages is refused even then.
    @Test func allowedTypesAreCopiedButNeverUnderAPageName() throws {
        let config = TestSite.config + "allow_file_types: [\".HTML\", js, svg, png]\n"
        let site = try TestSite(files: [
            "_index.md": page("Start"),
            "x/raw.html": "<p>rå</p>\n",
            "x/evil.js": "void 0;\n",
            "x/ritning.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"x()\"/>\n",
        ], config: config)
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.succeeded, "\(result.diagnostics)")
        #expect(site.read("site/x/raw.html") == "<p>rå</p>\n")
        #expect(site.exists("site/x/evil.js") && site.exists("site/x/ritning.svg"))
        #expect(result.diagnostics.map(\.description) == [
            "lathund.yml:5:38: warning: 'png' in allow_file_types is copied anyway; list only types Lathund refuses (atom, cjs, htm, html, js, mjs, rss, shtml, svgz, xht, xhtml, xml, xsl, xslt) or svg (copied unchecked) [config-allow-file-types]",
        ])

        try site.write("content/y/index.html", "<p>x</p>\n")
        try site.write("content/404.html", "<p>x</p>\n")
        let refused = try site.build()
        #expect(!refused.succeeded)
        #expect(refused.diagnostics.filter { $0.severity == .error }.map(\.description).sorted() == [
            "content/404.html: error: '404.html' is the name of the pages Lathund writes, which the server lets run the site's scripts; rename the file [content-file-reserved]",
            "content/404.html: error: content/404.html and the generated page /404/ both produce /404.html [duplicate-url]",
            "content/y/index.html: error: 'index.html' is the name of the pages Lathund writes, which the server lets run the site's scripts; rename the file [content-file-reserved]",
        ])
    }

    static let svgStart = "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 10 10\">"

    /// Every way the probe and the SVG attack lists run script or load from elsewhere: each is refused.
    static let hostileSVGs: [String] = [
        "<script>alert(1)</script>",
        "<svg:script xmlns:svg=\"http://www.w3.org/2000/svg\">alert(1)</svg:script>",
        "<SCRIPT>alert(1)</SCRIPT>",
        "<rect onload=\"alert(1)\"/>",
        "<rect\n  ONCLICK = 'alert(1)'/>",
        "<g><circle r=\"1\" onmouseover=\"alert(1)\"></circle></g>",
        "<foreignObject><body xmlns=\"http://www.w3.org/1999/xhtml\"><img src=\"x\"/></body></foreignObject>",
        "<iframe src=\"https://evil.example/\"/>",
        "<embed src=\"x.swf\"/>",
        "<object data=\"x.html\"/>",
        "<handler type=\"application/ecmascript\">alert(1)</handler>",
        "<a href=\"javascript:alert(1)\"><text>x</text></a>",
        "<a xlink:href=\"JaVaScRiPt:alert(1)\"><text>x</text></a>",
        "<a href=\"javascript&#58;alert(1)\"><text>x</text></a>",
        "<a href=\"java\tscript:alert(1)\"><text>x</text></a>",
        "<a href=\" javascript:alert(1)\"><text>x</text></a>",
        "<image href=\"https://evil.example/spy.png\"/>",
        "<image xlink:href=\"//evil.example/spy.png\"/>",
        "<use href=\"data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=#x\"/>",
        "<image href=\"/\\evil.example/x.png\"/>",
        "<rect style=\"fill: url(https://evil.example/x)\"/>",
        "<rect fill=\"URL( 'http://evil.example/x' )\"/>",
        "<style>@import 'https://evil.example/x.css';</style>",
        "<style>rect { fill: \\75rl(https://evil.example/x) }</style>",
        "<style><![CDATA[ rect { background: url(//evil.example/x) } ]]></style>",
        "<style>rect { background-image: image-set('https://evil.example/x' 1x) }</style>",
        "<rect fill=\"\\75rl(https://evil.example/x)\"/>",
        "<rect fill=\"u&#114;l(https://evil.example/x)\"/>",
        "<style>rect { fill: u&#x72;l(https://evil.example/x) }</style>",
        "<a href=\"&#x6A;avascript:alert(1)\"><text>x</text></a>",
        "<a href=\"&ent;\"><text>x</text></a>",
        "<animate attributeName=\"href\" values=\"javascript:alert(1)\"/>",
        "<set attributeName=\"xlink:href\" to=\"javascript:alert(1)\"/>",
        "<set attributeName=\"onmouseover\" to=\"alert(1)\"/>",
        "<g xml:base=\"https://evil.example/\"><image href=\"x.png\"/></g>",
        "<x:img xmlns:x=\"http://www.w3.org/1999/xhtml\" src=\"x\"/>",
        "<rect width=10/>",
        "<rect width=\"10/>",
    ]

    static let hostileFiles: [String] = [
        "<?xml-stylesheet type=\"text/xsl\" href=\"evil.xsl\"?>\n" + svgStart + "</svg>",
        "<!DOCTYPE svg [ <!ENTITY x \"&#60;script&#62;alert(1)&#60;/script&#62;\"> ]>\n" + svgStart + "&x;</svg>",
        "<?xml version=\"1.0\" encoding=\"UTF-7\"?>\n" + svgStart + "+ADw-script+AD4-alert(1)+ADw-/script+AD4-</svg>",
        svgStart + "<!-- never closed </svg>",
    ]

    @Test(arguments: hostileSVGs)
    func hostileSVGIsRefused(_ inner: String) {
        let problem = SVGCheck.firstProblem(in: Array((Self.svgStart + inner + "</svg>\n").utf8))
        #expect(problem != nil, "accepted: \(inner)")
    }

    @Test(arguments: hostileFiles)
    func hostileSVGFileIsRefused(_ text: String) {
        #expect(SVGCheck.firstProblem(in: Array(text.utf8)) != nil, "accepted: \(text)")
    }

    /// A UTF-16 file hides its tags from a byte-wise reader: it is refused, as is a NUL byte.
    @Test func svgThatIsNotUTF8IsRefused() {
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in (Self.svgStart + "<script>alert(1)</script></svg>").utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(SVGCheck.firstProblem(in: utf16) != nil)
        #expect(SVGCheck.firstProblem(in: Array(Self.svgStart.utf8) + [0] + Array("</svg>".utf8)) != nil)
    }

    /// What drawing programs and Lathund itself write passes: gradients and clip paths by `#id`, a picture of
    /// the site by relative path, an embedded PNG, styles, comments, an XML declaration and a plain DOCTYPE.
    @Test func ordinarySVGIsAccepted() throws {
        let ordinary = """
        <?xml version="1.0" encoding="UTF-8" standalone="no"?>
        <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
        <!-- Ritad för hand: <script> i en kommentar gör inget. -->
        \(Self.svgStart)
          <title>Sjukfall per månad &amp; år</title>
          <defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient>
            <clipPath id="c"><rect width="5" height="5"/></clipPath></defs>
          <style>.a { fill: url(#g); stroke: #000 } /* url(#c) */</style>
          <style><![CDATA[ .b > .c { opacity: 0.5 } ]]></style>
          <rect class="a" width="10" height="10" fill="url(#g)" clip-path="url( '#c' )" style="opacity: .9"/>
          <use href="#g" xlink:href="#g"/>
          <image href="bilder/karta.png" width="1" height="1"/>
          <image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
          <a href="#g"><text x="1" y="9" font-family="&quot;Noto Sans&quot;, sans-serif" aria-label="Tal &amp; år">Öppna &lt;här&gt;</text></a>
        </svg>

        """
        #expect(SVGCheck.firstProblem(in: Array(ordinary.utf8)) == nil)
        let favicon = try Data(contentsOf: packageRoot.appendingPathComponent("layouts/assets/favicon.svg"))
        #expect(SVGCheck.firstProblem(in: [UInt8](favicon)) == nil)
    }

    /// The charts Lathund draws (its golden files) pass the check it applies to content.
    @Test func lathundsOwnChartsPass() throws {
        let folder = testsFolder.appendingPathComponent("Golden/charts")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".svg") }
        try #require(names.count >= 5)
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            #expect(SVGCheck.firstProblem(in: bytes) == nil, "\(name)")
        }
    }

    // MARK: 2 and 3. Addresses browsers read as another site

    /// `menu:` URLs reach every page's header: the rule of `sources:`, at lathund.yml:line:column.
    @Test(arguments: [
        ("javascript:alert(1)", "'javascript:alert(1)' must start with https://, http:// or /"),
        ("data:text/html,<script>alert(1)</script>", "must start with https://, http:// or /"),
        ("//evil.example/", "'//evil.example/' must start with https://, http:// or /"),
        ("/\\\\evil.example/x", "has a backslash or a control character"),
        ("/a\\tb/", "'/a\\u{9}b/' has a backslash or a control character"),
        ("https://good.example\\\\@evil.example/", "has a backslash or a control character"),
    ])
    func menuURLsAreChecked(_ url: String, _ message: String) throws {
        let text = "title: Banken\nmenu:\n  - { title: \"Hem\", url: \"/\" }\n  - title: \"Ond\"\n    url: \"\(url)\"\n"
        do {
            _ = try SiteConfig.parse(text, displayPath: "lathund.yml")
            Issue.record("accepted \(url)")
        } catch let error as ConfigurationError {
            #expect(error.description.hasPrefix("lathund.yml:5:5: error: menu url"), "\(error)")
            #expect(error.description.contains(message), "\(error)")
            #expect(error.description.hasSuffix("[config-menu-url]"), "\(error)")
        }
    }

    @Test func ordinaryMenuURLsAreKept() throws {
        let text = "menu:\n  - { title: \"Hem\", url: \"/\" }\n  - { title: \"FK\", url: \"https://www.forsakringskassan.se/\" }\n"
        let parsed = try SiteConfig.parse(text, displayPath: "lathund.yml")
        let (config, diagnostics) = (parsed.value, parsed.diagnostics)
        #expect(diagnostics.isEmpty)
        #expect(config.menu.map(\.url) == ["/", "https://www.forsakringskassan.se/"])
    }

    /// The bypass the probe found, `/\evil.example/x` (browsers go to evil.example), and its kin in `sources:`,
    /// `aliases:` and links, as written and percent-encoded.
    @Test func backslashesAndControlCharactersAreRefusedEverywhere() throws {
        let site = try TestSite(files: [
            "_index.md": page("Start"),
            "a.md": """
            ---
            title: "A"
            sources:
              - { title: "Källa", publisher: "Försäkringskassan", date: 2025, url: "/\\\\evil.example/x" }
            ---
            Text.

            """,
            "b.md": """
            ---
            title: "B"
            aliases: ["/gammal\\tsida/"]
            ---
            Text.

            """,
            "c.md": """
            ---
            title: "C"
            ---
            [ett](/\\evil.example/x) [två](/%5Cevil.example/) [tre](/sida%0A/) [fyra](https://good.example\\\\@evil.example/)

            """,
        ])
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(!result.succeeded)
        let errors = result.diagnostics.filter { $0.severity == .error }.map(\.description)
        #expect(errors == [
            "content/a.md:4:67: error: source url '/\\evil.example/x' has a backslash or a control character; browsers read '/\\host' as another site [source-url]",
            "content/b.md:3:11: error: alias '/gammal\tsida/' must be a path such as /gammal/adress/ without '..' [bad-alias]",
            "content/c.md:4:1: error: link '/\\evil.example/x' has a backslash or a control character; browsers read '/\\host' as another site [unsafe-link]",
            "content/c.md:4:25: error: link '/%5Cevil.example/' has a backslash or a control character; browsers read '/\\host' as another site [unsafe-link]",
            "content/c.md:4:50: error: link '/sida%0A/' has a backslash or a control character; browsers read '/\\host' as another site [unsafe-link]",
            "content/c.md:4:67: error: link 'https://good.example\\@evil.example/' has a backslash or a control character; browsers read '/\\host' as another site [unsafe-link]",
        ], "\(errors)")
        #expect(!site.exists("site"))
    }

    // MARK: 4. The output folder

    /// `lathund build --output victim` on a folder of someone's files: refused with exit code 2, and every file
    /// is as it was; nothing is left beside it.
    @Test func aFolderLathundDidNotMakeIsNeverReplaced() throws {
        let site = try TestSite(files: ["_index.md": page("Start")])
        defer { site.cleanUp() }
        try site.write("victim/important.txt", "precious\n")
        try site.write("victim/bilder/semester.jpg", "JPEG")
        let before = site.snapshot("victim")
        let run = try CLI.run(["build", "--output", "victim"], in: site.root)
        #expect(run.status == 2)
        #expect(run.stderr.contains("victim: error: output folder 'victim' holds files Lathund did not write (it has no .lathund-site); refusing to replace it. Choose another --output, empty the folder, or pass --force to replace it [output-not-lathund]"), "\(run.stderr)")
        #expect(site.snapshot("victim") == before)
        let beside = try FileManager.default.contentsOfDirectory(atPath: site.root.path).filter { $0.hasPrefix(".victim") }
        #expect(beside.isEmpty, "\(beside)")

        let check = try CLI.run(["check"], in: site.root)
        #expect(check.status == 0, "check writes nothing, so any output folder is fine: \(check.stderr)")

        // --force replaces it; the new folder is Lathund's (it has the marker) and is rebuilt without --force.
        let forced = try CLI.run(["build", "--quiet", "--output", "victim", "--force"], in: site.root)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(site.exists("victim/index.html") && !site.exists("victim/important.txt"))
        #expect(site.exists("victim/.lathund-site"))
        #expect(try CLI.run(["build", "--quiet", "--output", "victim"], in: site.root).status == 0)
    }

    /// An empty folder is fine (a user made it for the site); so is the project's own site/ after a build, and
    /// a site built before there was a marker (the lock file Lathund keeps beside the folders it builds).
    @Test func anEmptyFolderOrLathundsOwnIsBuiltInto() throws {
        let site = try TestSite(files: ["_index.md": page("Start")])
        defer { site.cleanUp() }
        try FileManager.default.createDirectory(at: site.root.appendingPathComponent("ny"), withIntermediateDirectories: true)
        #expect(try site.build { $0.outputDirectory = "ny" }.succeeded)
        #expect(site.exists("ny/index.html"))
        try site.write("gammal/index.html", "<p>byggd av en äldre Lathund</p>")
        #expect(throws: ConfigurationError.self) { try site.build { $0.outputDirectory = "gammal" } }
        try site.write(".gammal.lock", "")
        #expect(try site.build { $0.outputDirectory = "gammal" }.succeeded)
        #expect(site.exists("gammal/.lathund-site"))
        #expect(try site.build().succeeded)
        try site.write("content/b.md", page("B"))
        #expect(try site.build().succeeded)
        #expect(site.exists("site/b/index.html"))
    }
}
