import Foundation

/// Before any content is read: when no input changed since the last successful build and its site is still in
/// place, that build's record is this build's result (`hit`); otherwise the cache to save this build into.
/// Runs only for builds that write and have a cache folder.
struct CacheStage: Stage {
    static let name = "cache"
    let options: BuildOptions
    let setup: BuildSetup

    enum Lookup {
        case hit(IncrementalCache.Record)
        /// `parts`: what the fingerprint is made of (`DirectRebuild` compares them with the last build's).
        case miss(IncrementalCache, fingerprint: String, parts: IncrementalCache.Parts)
    }

    func run() -> Staged<Lookup> {
        let cache = IncrementalCache(folder: options.resolve(options.cacheDirectory ?? "").standardizedFileURL,
                                      output: setup.outputURL)
        let inputs = inputs
        let (hash, parts) = IncrementalCache.fingerprint(inputs: inputs, files: setup.inputs, settings: settings, jobs: readers)
        let fingerprint = IncrementalCache.hex(hash)
        if options.useCache, let head = cache.loadHead(), head.fingerprint == fingerprint,
           head.outputIdentity == StagedOutput.identity(of: setup.outputURL.path), let record = cache.loadRecord() {
            // Nothing to write, but still remove what a killed build left beside the site (under the lock).
            try? StagedOutput.tidy(output: setup.outputURL)
            return Staged(.hit(record))
        }
        // The stamps are the files' hashes, whatever this build makes of them: `lathund build` keeps them for the
        // next one (serve keeps its own in memory).
        if options.pageMemory == nil, let stamps = setup.inputs.stamps {
            cache.save(stamps: stamps, paths: inputs.compactMap(\.path))
        }
        return Staged(.miss(cache, fingerprint: fingerprint, parts: parts))
    }

    /// The stamps a `lathund build` with a cache folder starts from (`FileStamps`): the last build's, or none
    /// with `--clean`, which still saves them for the next build; nil for a build without a cache.
    static func stamps(_ options: BuildOptions, output: URL) -> FileStamps? {
        guard options.write, options.pageMemory == nil, let folder = options.cacheDirectory else { return nil }
        let cache = IncrementalCache(folder: options.resolve(folder).standardizedFileURL, output: output)
        return options.useCache ? cache.loadStamps() : FileStamps()
    }

    /// The threads that walk and read the inputs. Reading a file not in the page cache waits on the disk, one
    /// request at a time per thread: at 100 000 pages, after the last build's 3,7 GB of output had pushed half the
    /// content out of the page cache, 2 threads took the stage 4,6 s for 3,8 s of CPU (a C test reading those
    /// 100 021 files cold: 6,7 s on 2 threads, 3,2 s on 8, 2,3 s on 16; warm: 0,26 s either way). So a
    /// `lathund build` on more than one core reads on 16. Not `lathund serve`: the watcher vouches for most files,
    /// which are not read, and more threads would only wait on each other's locks.
    private var readers: Int { setup.jobs > 1 && options.pageMemory == nil ? max(setup.jobs, 16) : setup.jobs }

    /// The files the stages read, walked as they walk them (`ContentStage.tree`, `LayoutFiles`), with what those
    /// walks reported (links refused or to nothing, special files: each a diagnostic) and the configuration file.
    private var inputs: [IncrementalCache.Input] {
        let content = ContentStage.tree(setup.contentURL, exclude: setup.config.exclude, inputs: setup.inputs,
                                        jobs: readers)
        var inputs = content.entries.compactMap { entry -> IncrementalCache.Input? in
            switch entry.kind {
            case .file: IncrementalCache.Input(name: "content/" + entry.relative, path: entry.absolute)
            case .folder: nil
            case .link, .other: IncrementalCache.Input(name: "content/" + entry.relative + " special", path: nil)
            }
        }
        inputs += content.problems.map { IncrementalCache.Input(name: "content/\($0.relative) \($0.kind)", path: nil) }
        let layouts = LayoutFiles(setup.layoutsURL)
        inputs += layouts.templates.map { IncrementalCache.Input(name: "layouts/" + $0.relative, path: $0.absolute) }
        inputs += layouts.assets.map { IncrementalCache.Input(name: "layouts/assets/" + $0.relative, path: $0.absolute) }
        inputs.append(IncrementalCache.Input(name: "config", path: setup.configURL.path))
        return inputs
    }

    /// Everything besides the files that decides what a build writes, for the fingerprint. The day is there for
    /// checks that depend on it (review dates), the git history for the pages' change dates.
    private var settings: [String] {
        [setup.contentURL.path, setup.layoutsURL.path, setup.outputURL.path, options.resolve(options.configFile).path,
         "strict=\(options.strict)", "drafts=\(options.includeDrafts)", "base=\(options.baseURL ?? "-")",
         "fail=\(options.failAfterWrites.map(String.init) ?? "-")", options.directives.signature,
         "day=\(setup.today.description)", "git=\(setup.history.map { IncrementalCache.hex($0.signature) } ?? "-")"]
    }
}
