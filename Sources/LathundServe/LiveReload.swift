import Foundation
import LathundKit

/// Server-sent events to every open preview page. Each page is served with the site's generation (a
/// `data-generation` attribute on the reload script); the stream sends the current generation when a page
/// connects and again after every build, and the page reloads when the two differ. So a build that finishes
/// between serving a page and its connecting is not missed, and a restarted server reloads its pages.
final class ReloadHub: Sendable {
    private let subscribers = Locked<[UUID: AsyncStream<Data>.Continuation]>([:])

    /// Opens a stream that starts with `first`; it ends when the client goes away or the hub finishes.
    func subscribe(first: Data) -> AsyncStream<Data> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Data>.makeStream(bufferingPolicy: .bufferingNewest(16))
        continuation.onTermination = { [weak self] _ in self?.remove(id) }
        continuation.yield(first)
        subscribers.withLock { $0[id] = continuation }
        return stream
    }

    func broadcast(_ data: Data) {
        let current = subscribers.withLock { Array($0.values) }
        for continuation in current { continuation.yield(data) }
    }

    /// Ends every stream (the server is stopping).
    func finish() {
        let current = subscribers.withLock { subscribers in
            defer { subscribers = [:] }
            return Array(subscribers.values)
        }
        for continuation in current { continuation.finish() }
    }

    private func remove(_ id: UUID) {
        subscribers.withLock { $0[id] = nil }
    }

    /// One event in the `text/event-stream` format.
    static func event(_ name: String, data: String) -> Data {
        Data("event: \(name)\ndata: \(data)\n\n".utf8)
    }

    /// A comment line: keeps proxies from closing the stream and finds clients that went away.
    static let keepAlive = Data(": ping\n\n".utf8)
}

/// The files the preview adds under `/_lathund/`; never part of a build's output.
enum PreviewAssets {
    static let script = """
    // Lathund preview: reloads the page after every build (served by `lathund serve` only).
    (() => {
      "use strict";
      const script = document.currentScript;
      const generation = script && script.dataset.generation;
      const source = new EventSource("/_lathund/events");
      const check = (event) => {
        try {
          const state = JSON.parse(event.data);
          if (generation && String(state.generation) !== generation) { location.reload(); }
        } catch (error) {
          console.warn("lathund serve:", error);
        }
      };
      source.addEventListener("hello", check);
      source.addEventListener("build", check);
      document.addEventListener("click", (event) => {
        const button = event.target.closest && event.target.closest("[data-lathund-close]");
        if (button) { button.closest(".lathund-errors").hidden = true; }
      });
    })();

    """

    static let stylesheet = """
    /* Lathund preview: the build-error panel (served by `lathund serve` only). */
    .lathund-errors {
      position: fixed; inset: 1rem 1rem auto 1rem; z-index: 2147483647; max-height: 80vh; overflow: auto;
      background: #fff5f5; color: #1a1a1a; border: 3px solid #b00020; border-radius: 6px;
      padding: 1rem 1.25rem; font: 16px/1.45 system-ui, sans-serif; box-shadow: 0 8px 32px rgba(0, 0, 0, .35);
    }
    .lathund-errors[hidden] { display: none; }
    .lathund-errors h2 { margin: 0 0 .5rem; font-size: 1.25rem; color: #b00020; }
    .lathund-errors ul { margin: .75rem 0; padding: 0; list-style: none; }
    .lathund-errors li { margin: .35rem 0; }
    .lathund-errors code { font: 14px/1.4 ui-monospace, monospace; white-space: pre-wrap; word-break: break-word; }
    .lathund-errors button { font: inherit; padding: .3rem .9rem; cursor: pointer; }
    body.lathund-error-page { margin: 0; min-height: 100vh; background: #f4f4f4; }

    """
}
