/// Every code the engine gives a diagnostic, in one place. `docs/diagnostics.md` explains each with an example;
/// `DiagnosticCatalogueTests` keeps the two in step. The raw value is what is printed (`[broken-link]`) and what
/// the JSON report holds. A custom directive may use codes of its own (`Diagnostic.error(_:code:_:)`).
public enum DiagnosticCode: String, CaseIterable, Sendable, Codable {
    // Config: `lathund.yml`, the folders, the command line. These stop the build (exit code 2).
    case configMissing = "config-missing"
    case configUtf8 = "config-utf8"
    case configType = "config-type"
    case configBaseUrl = "config-base-url"
    case configMenu = "config-menu"
    case configMenuUrl = "config-menu-url"
    case configAllowFileTypes = "config-allow-file-types"
    case configPersonnummerAllow = "config-personnummer-allow"
    case configPublishers = "config-publishers"
    case configWritingAid = "config-writing-aid"
    case folderMissing = "folder-missing"
    case outputUnsafe = "output-unsafe"
    case outputNotLathund = "output-not-lathund"
    /// `lathund serve`: a build stopped by something other than the configuration.
    case build

    // YAML anywhere: front matter, `lathund.yml`, dataset metadata, the glossary, directive blocks.
    case yamlSyntax = "yaml-syntax"
    case yamlKey = "yaml-key"
    case duplicateKey = "duplicate-key"
    case unknownKey = "unknown-key"
    case misplacedKey = "misplaced-key"

    // Content: files, front matter, URLs.
    case contentRead = "content-read"
    case contentSpecialFile = "content-special-file"
    case contentFileReserved = "content-file-reserved"
    case contentFileType = "content-file-type"
    case svgUnsafe = "svg-unsafe"
    case symlinkOutside = "symlink-outside"
    case symlinkBroken = "symlink-broken"
    case utf8
    case frontMatterUnclosed = "front-matter-unclosed"
    case frontMatterType = "front-matter-type"
    case frontMatterEmpty = "front-matter-empty"
    case missingTitle = "missing-title"
    case badDate = "bad-date"
    case badSlug = "bad-slug"
    case sourceTitle = "source-title"
    case sourcePublisher = "source-publisher"
    case sourceDate = "source-date"
    case sourceRead = "source-read"
    case sourceUrl = "source-url"
    case reviewForm = "review-form"
    case reviewDate = "review-date"
    case reviewBy = "review-by"
    case reviewAgainst = "review-against"

    // Data: datasets (`content/data/NAME.csv` + `NAME.yml`) and the glossary.
    case datasetMissingCsv = "dataset-missing-csv"
    case datasetMissingMetadata = "dataset-missing-metadata"
    case datasetRead = "dataset-read"
    case datasetName = "dataset-name"
    case datasetMetadata = "dataset-metadata"
    case datasetEmpty = "dataset-empty"
    case datasetHeader = "dataset-header"
    case datasetQuote = "dataset-quote"
    case datasetColumn = "dataset-column"
    case datasetUnknownColumn = "dataset-unknown-column"
    case datasetColumnType = "dataset-column-type"
    case datasetRaggedRow = "dataset-ragged-row"
    case datasetNotANumber = "dataset-not-a-number"
    case datasetBadDate = "dataset-bad-date"
    case chartType = "chart-type"
    case chartX = "chart-x"
    case chartY = "chart-y"
    case chartSeries = "chart-series"
    case chartUnknownColumn = "chart-unknown-column"
    case chartColumnType = "chart-column-type"
    case glossaryRead = "glossary-read"
    case glossaryType = "glossary-type"
    case glossaryEntry = "glossary-entry"
    case glossaryDuplicate = "glossary-duplicate"
    case glossaryPage = "glossary-page"
    // The synonyms file (`synonyms:`, `content/synonymer.yml`).
    case synonymsRead = "synonyms-read"
    case synonymsForm = "synonyms-form"
    case synonymWord = "synonym-word"
    case synonymSelf = "synonym-self"
    case synonymUnknown = "synonym-unknown"
    case writingAidRead = "writing-aid-read"
    case writingAid = "writing-aid"
    case writingAidField = "writing-aid-field"
    case writingAidList = "writing-aid-list"
    case writingAidRule = "writing-aid-rule"
    case writingAidPattern = "writing-aid-pattern"
    case writingAidMessage = "writing-aid-message"
    case writingAidLink = "writing-aid-link"
    case writingAidExample = "writing-aid-example"

    // Markdown: directives.
    case chartDirective = "chart-directive"
    case tableDirective = "table-directive"
    case tableUnknownColumn = "table-unknown-column"
    case unknownDataset = "unknown-dataset"
    case faqDirective = "faq-directive"
    case faqUnknownCategory = "faq-unknown-category"
    case granskningDirective = "granskning-directive"

    // Checks: the writer's safety net.
    case personnummer
    case internalLabel = "internal-label"
    case reviewOverdue = "review-overdue"
    case reviewMissing = "review-missing"
    case unknownPublisher = "unknown-publisher"
    case lix
    case brokenRelated = "broken-related"
    case brokenMostAsked = "broken-most-asked"
    case externalImage = "external-image"

    // Indexes: the whole site.
    case duplicateUrl = "duplicate-url"
    case badAlias = "bad-alias"
    case brokenLink = "broken-link"
    case brokenAnchor = "broken-anchor"
    case unsafeLink = "unsafe-link"

    // Render plan: layouts and their assets.
    case layoutRead = "layout-read"
    case layoutSyntax = "layout-syntax"
    case layoutMissing = "layout-missing"
    case layoutMissingPartial = "layout-missing-partial"
    case layoutUnknownVariable = "layout-unknown-variable"
    case layoutDelimiters = "layout-delimiters"
    case layoutAsset = "layout-asset"
    case assetRead = "asset-read"
    case assetCycle = "asset-cycle"

    // Output.
    case outputWrite = "output-write"
}
