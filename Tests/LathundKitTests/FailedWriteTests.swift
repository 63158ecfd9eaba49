import Foundation
import Testing
@testable import LathundKit

/// Writes that fail (a full disk, a file-size limit) give a clear error and an exit status, never a crash, and
/// lose nothing: the real binary is run with its standard streams on `/dev/full` (every write fails with ENOSPC) or
/// under a lowered `RLIMIT_FSIZE` with SIGXFSZ ignored (a write past the limit fails with EFBIG). Neither needs a
/// mount or root.
@Suite struct FailedWriteTests {
    /// Runs `lathund ARGUMENTS` in `folder` with standard output and error sent to the given files.
    static func run(_ arguments: [String], in folder: URL, stdout: String, stderr: String) throws -> Process {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments + ["--today", TestSite.today.description]
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle(forWritingAtPath: stdout)
        process.standardError = FileHandle(forWritingAtPath: stderr)
        try process.run()
        process.waitUntilExit()
        return process
    }

    /// Runs `lathund ARGUMENTS` in `folder` through `/bin/sh` with no file larger than `blocks` (the shell's
    /// `ulimit -f` unit: 512 or 1 024 bytes) and SIGXFSZ ignored, which `exec` keeps.
    static func runLimited(_ arguments: [String], blocks: Int, in folder: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        let script = "trap '' XFSZ; ulimit -f \(blocks) && exec \"$0\" \"$@\""
        return try CLI.run(URL(fileURLWithPath: "/bin/sh"),
                           ["-c", script, CLI.binary.path] + arguments + ["--today", TestSite.today.description], in: folder)
    }

    /// Standard error on a full disk: the build's errors cannot be printed, and the build still ends with its exit
    /// status (1 for an error, 0 for a site built), not with a trap in `FileHandle.write` (SIGILL, exit 132).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "needs /dev/full"))
    func aFullDiskUnderTheStandardStreamsEndsWithTheExitStatusNotACrash() throws {
        let site = try TestSite(files: ["a.md": page("A", "[x](saknas.md)")])
        defer { site.cleanUp() }
        let failed = try Self.run(["build", "--strict"], in: site.root, stdout: "/dev/null", stderr: "/dev/full")
        #expect(failed.terminationReason == .exit && failed.terminationStatus == 1,
                "ended by \(failed.terminationReason == .exit ? "exit" : "signal") \(failed.terminationStatus)")
        let built = try Self.run(["build"], in: site.root, stdout: "/dev/full", stderr: "/dev/full")
        #expect(built.terminationReason == .exit && built.terminationStatus == 0,
                "ended by \(built.terminationReason == .exit ? "exit" : "signal") \(built.terminationStatus)")
        #expect(site.exists("site/a/index.html"))
        let checked = try Self.run(["check"], in: site.root, stdout: "/dev/full", stderr: "/dev/full")
        #expect(checked.terminationReason == .exit && checked.terminationStatus == 0)
    }

    /// A page's file that cannot be written (EFBIG past the file-size limit; the same path as ENOSPC): an
    /// `output-write` error naming the file and the reason, exit status 1, the previous site unchanged and no
    /// staging folder left beside it. The Markdown spool's chunk past the limit stays in memory. Once the limit is
    /// gone, the next build (with the cache) equals a clean build.
    @Test func aFileThatCannotBeWrittenFailsTheBuildAndKeepsThePreviousSite() throws {
        let site = try TestSite(files: ["a.md": page("A", "Kort text."), "b.md": page("B", "Annan text.")])
        defer { site.cleanUp() }
        #expect(try CLI.run(["build", "--quiet"], in: site.root).status == 0)
        let before = site.snapshot()
        let paragraph = String(repeating: "Ett långt stycke om sjukpenning och arbetsgivare. ", count: 40)
        try site.write("content/a.md", page("A", Array(repeating: paragraph, count: 1_200).joined(separator: "\n\n")))
        let failed = try Self.runLimited(["build", "--quiet"], blocks: 512, in: site.root)
        #expect(failed.status == 1, "\(failed.stderr)")
        #expect(failed.stderr.contains("error: cannot write ") && failed.stderr.contains(
            ": File too large; the previous site is unchanged [output-write]"), "\(failed.stderr)")
        #expect(TestSite.differences(site.snapshot(), before).isEmpty)
        #expect(KillSafetyTests.leftovers(in: site.root).isEmpty)

        let again = try CLI.run(["build", "--quiet"], in: site.root)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try CLI.run(["build", "--quiet", "--clean", "--output", "ren"], in: site.root).status == 0)
        #expect(TestSite.differences(site.snapshot(), site.snapshot("ren")).isEmpty)
    }

    /// A write into the served folder (`writeInPlace`, `lathund serve`) that fails after others may have been
    /// renamed into it (a name too long for the file system): the error does not claim the previous site is
    /// unchanged, and the next build that can write equals a clean build.
    @Test func aFailedWriteInPlaceDoesNotClaimThePreviousSiteIsUnchanged() throws {
        let site = try TestSite(files: ["a.md": page("A", "Text."), "b.md": page("B", "Se [a](a.md).")])
        defer { site.cleanUp() }
        #expect(try site.build { $0.writeInPlace = true }.succeeded)
        try site.write("content/a.md", page("A", "Ny text."))
        try site.write("content/c.md", page("C", extra: "slug: \(String(repeating: "x", count: 300))\n"))
        let failed = try site.build { $0.writeInPlace = true }
        let error = try #require(failed.messages("output-write").first, "\(failed.diagnostics)")
        #expect(error.message.contains("File name too long"), "\(error)")
        #expect(!error.message.contains("the previous site is unchanged"), "\(error)")
        #expect(error.message.contains("the folder holds some files of this build"), "\(error)")

        try site.remove("content/c.md")
        #expect(try site.build { $0.writeInPlace = true }.succeeded)
        try site.build { $0.useCache = false; $0.outputDirectory = "clean-site" }
        #expect(TestSite.differences(site.snapshot(), site.snapshot("clean-site")).isEmpty)
    }
}
