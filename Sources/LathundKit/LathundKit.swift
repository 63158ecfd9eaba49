// LathundKit builds a Lathund site: Markdown in `content/`, Mustache layouts in `layouts/`, `lathund.yml`.
//
// The public API is the list below and nothing else; everything else is internal to the module, so it can change
// without breaking the command line, the preview server or a program that embeds LathundKit.
// `PublicAPITests` (Tests/LathundKitEmbeddingTests) keeps this list and the `public` declarations in step, and
// `EmbeddingTests` builds a site with a custom directive through nothing but this API.
//
// Building:
// - ``Builder``: runs the pipeline (Sources/LathundKit/Build/Pipeline.swift) once for a ``BuildOptions``.
// - ``BuildOptions``: the folders, the base URL, the directives, strict mode, the day to measure review dates by.
// - ``BuildResult``: the diagnostics, the counts, the timings and a summary of each page (``BuildResult.PageSummary``).
// - ``BuildReport``: the JSON report of a ``BuildResult`` (`--report`), with ``BuildReport.Timing``.
// - ``IncrementalPageMemory``: what a long-running process (`lathund serve`) keeps between builds, with its
//   ``IncrementalPageMemory.Counts``.
//
// Problems:
// - ``Diagnostic``: one problem, printed like a compiler's message, with its ``Severity`` and ``SourceLocation``.
// - ``DiagnosticCode``: every code the engine gives (docs/diagnostics.md).
// - ``ConfigurationError``: a problem that stops the build before it starts (exit code 2).
//
// Directives (fenced blocks such as ```` ```chart ````):
// - ``Directive``: what a custom directive implements; ``DirectiveBlock`` is one use of it, ``DirectiveContext``
//   the page it is in, ``DirectiveOutput`` its HTML and diagnostics.
// - ``DirectiveRegistry``: the directives a build knows; ``StandardDirectives`` holds the engine's own.
// - ``HTML``: the escaper a directive uses for what it takes from content.
//
// Writing:
// - ``NewPage``: a new page from a template (`lathund new`), of a ``NewPage.Kind``, or a ``NewPage.Problem``.
// - ``Day``: a calendar day (`--today`).
