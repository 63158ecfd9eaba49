import Foundation
import Testing
@testable import LathundKit

@Suite struct AssetTests {
    /// Writes `files` into a temporary `assets/` folder and fingerprints them.
    func fingerprint(_ files: [String: String]) throws -> (FingerprintedAssets, [String]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lathund-assets-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, text) in files {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let loaded = FingerprintedAssets.load(FileTree.visibleFiles(under: folder), displayRoot: "layouts/assets")
        return (loaded.value, loaded.diagnostics.map(\.description))
    }

    func text(_ assets: FingerprintedAssets, _ name: String) -> String {
        String(decoding: assets.files.first { $0.name == name }!.contents, as: UTF8.self)
    }

    @Test func namesCarryTheFirstEightHexDigitsOfTheXXH64() throws {
        let (assets, problems) = try fingerprint(["style.css": "body { margin: 0; }\n"])
        #expect(problems.isEmpty)
        // XXH64 of 'body { margin: 0; }\n' by the reference library (libxxhash 0.8.1): c2a80e15f8038504
        #expect(FingerprintedAssets.hash(Data("body { margin: 0; }\n".utf8)) == "c2a80e15")
        #expect(assets.outputNames == ["style.css": "style.c2a80e15.css"])
        // Leading zeros are kept, so every fingerprint has 8 digits: 00ee15bf3a9178e0.
        #expect(FingerprintedAssets.hash(Data("a { order: 100; }\n".utf8)) == "00ee15bf")
    }

    @Test(arguments: [("style.css", "style.H.css"), ("fonts/a.b.woff2", "fonts/a.b.H.woff2"), ("LICENSE", "LICENSE.H"),
                      (".hidden", ".hidden.H"), ("dir.v2/x", "dir.v2/x.H")])
    func fingerprintGoesBeforeTheExtension(name: String, expected: String) {
        #expect(FingerprintedAssets.fingerprintedName(name, hash: "H") == expected)
    }

    @Test func aScriptsImportsAreRewrittenAndItsNameFollowsTheImportedFile() throws {
        let ui = "import { createSearch } from \"./search.js\";\nimport x from './other.js';\nconst u = \"./missing.js\";\n"
        let (first, problems) = try fingerprint(["search-ui.js": ui, "search.js": "export const a = 1;\n", "other.js": "export default 2;\n"])
        #expect(problems.isEmpty)
        let search = try #require(first.outputNames["search.js"])
        let other = try #require(first.outputNames["other.js"])
        #expect(text(first, "search-ui.js") == "import { createSearch } from \"./\(search)\";\nimport x from './\(other)';\nconst u = \"./missing.js\";\n")
        #expect(text(first, "search.js") == "export const a = 1;\n")
        // Only search.js changes, yet search-ui.js gets a new name too: its import changed.
        let (second, _) = try fingerprint(["search-ui.js": ui, "search.js": "export const a = 2;\n", "other.js": "export default 2;\n"])
        #expect(second.outputNames["search.js"] != search)
        #expect(second.outputNames["search-ui.js"] != first.outputNames["search-ui.js"])
        #expect(second.outputNames["other.js"] == other)
    }

    @Test func stylesheetURLsAreRewrittenRelativeToTheirFolder() throws {
        let css = "@font-face { src: url(fonts/a.woff2) format(\"woff2\"), url('./fonts/a.woff2?v=1#x'); }\n"
            + "a { background: url(\"https://example.se/x.png\") url(data:image/png;base64,AAA) url(/abs.png); }\n"
        let nested = ".x { background: url(../icon.svg); }\n"
        let (assets, problems) = try fingerprint(["style.css": css, "fonts/a.woff2": "WOFF", "icon.svg": "<svg/>",
                                                   "theme/dark.css": nested])
        #expect(problems.isEmpty)
        let font = try #require(assets.outputNames["fonts/a.woff2"]).dropFirst("fonts/".count)
        let icon = try #require(assets.outputNames["icon.svg"])
        #expect(text(assets, "style.css") == "@font-face { src: url(fonts/\(font)) format(\"woff2\"), url('./fonts/\(font)?v=1#x'); }\n"
            + "a { background: url(\"https://example.se/x.png\") url(data:image/png;base64,AAA) url(/abs.png); }\n")
        #expect(text(assets, "theme/dark.css") == ".x { background: url(../\(icon)); }\n")
    }

    @Test func assetsThatImportEachOtherAreAnError() throws {
        let (_, problems) = try fingerprint(["a.js": "import './b.js';\n", "b.js": "import './a.js';\n"])
        #expect(problems == ["layouts/assets/a.js: error: layout assets reference each other in a cycle (a.js → b.js → a.js); a fingerprint needs the names it references first [asset-cycle]"])
    }

    @Test func manifestMapsEveryNameSorted() throws {
        let (assets, _) = try fingerprint(["b.js": "b\n", "a.css": "a\n"])
        let manifest = try JSONSerialization.jsonObject(with: Data(assets.manifest.utf8)) as? [String: String]
        #expect(manifest == assets.outputNames)
        #expect(assets.manifest.firstRange(of: "a.css")!.lowerBound < assets.manifest.firstRange(of: "b.js")!.lowerBound)
    }

    @Test func layoutsLinkTheFingerprintedFilesUnderTheBasePath() throws {
        var layouts = TestSite.layouts
        layouts["base.mustache"] = """
        <!DOCTYPE html><html><head><link rel="stylesheet" href="{{#asset}}site.css{{/asset}}"></head>
        <body>{{$main}}{{/main}}</body></html>

        """
        let site = try TestSite(files: ["a.md": page("A")], config: TestSite.config.replacingOccurrences(
            of: "https://test.example/", with: "https://intra.example/kb/"), layouts: layouts)
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(result.succeeded, "\(result.diagnostics)")
        let name = "site." + FingerprintedAssets.hash(Data("body { margin: 0; }\n".utf8)) + ".css"
        #expect(site.exists("site/assets/" + name))
        #expect(!site.exists("site/assets/site.css"))
        #expect(site.read("site/a/index.html")?.contains("href=\"/kb/assets/\(name)\"") == true)
        #expect(site.read("site/assets/manifest.json") == "{\n  \"site.css\" : \"\(name)\"\n}\n")
    }

    @Test func unknownAssetInALayoutIsAnErrorWithASuggestion() throws {
        var layouts = TestSite.layouts
        layouts["base.mustache"] = "<html><head>\n  <link href=\"{{#asset}}sit.css{{/asset}}\">{{#asset}}{{page.title}}{{/asset}}</head>{{$main}}{{/main}}{{asset}}</html>\n"
        let site = try TestSite(files: ["a.md": page("A")], layouts: layouts)
        defer { site.cleanUp() }
        let result = try site.build()
        #expect(!result.succeeded)
        #expect(result.diagnostics.map(\.description) == [
            "layouts/base.mustache:2:15: error: no file 'sit.css' in layouts/assets/; did you mean 'site.css'? [layout-asset]",
            "layouts/base.mustache:2:44: error: write an asset as {{#asset}}style.css{{/asset}}, with only the file name inside [layout-asset]",
            "layouts/base.mustache:2:103: error: write an asset as {{#asset}}style.css{{/asset}}, with only the file name inside [layout-asset]",
        ])
    }
}
