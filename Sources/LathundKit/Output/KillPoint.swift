import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A test hook for `KillSafetyTests`, which kill the real binary at chosen moments of the Output stage. When the
/// environment variable `LATHUND_TEST_STOP_AT` names a point, the process stops itself there (SIGSTOP, all
/// threads at once), and the test kills it with SIGKILL while it is stopped. Without the variable nothing
/// happens. The points, in the order a build reaches them:
///
/// - `discard`: a leftover folder (an earlier killed build's staging folder) was renamed to a trash name and
///   is about to be deleted;
/// - `output-start`: the staging folder is ready, nothing is written yet;
/// - `write:N`: the Nth file is about to be written;
/// - `prune`: the first file the build did not write is about to be removed from a recycled staging folder;
/// - `before-swap`, `after-swap`: just before and just after the staging folder and the output folder change
///   places.
enum KillPoint {
    static let requested = ProcessInfo.processInfo.environment["LATHUND_TEST_STOP_AT"]

    static func reached(_ point: @autoclosure () -> String) {
        guard let requested, requested == point() else { return }
        raise(SIGSTOP)
    }
}
