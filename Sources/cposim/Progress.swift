import Foundation

/// A progress bar with ETA on standard error, drawn only when standard error is a terminal.
final class ProgressBar: @unchecked Sendable {  // updates are serialised by the block scheduler's lock
  private let total: Int
  private let label: String
  private let unit: String
  private let start = Date()
  private let enabled: Bool
  private var lastDraw = Date.distantPast

  init(total: Int, label: String, quiet: Bool, unit: String = "trials") {
    self.total = total
    self.label = label
    self.unit = unit
    enabled = !quiet && isatty(STDERR_FILENO) == 1
  }

  func update(_ done: Int) {
    guard enabled else { return }
    let now = Date()
    guard done == total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
    lastDraw = now
    let elapsed = now.timeIntervalSince(start)
    let fraction = Double(done) / Double(max(total, 1))
    let width = 30
    let filled = Int(fraction * Double(width))
    let eta = done > 0 ? elapsed / fraction - elapsed : 0
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    let line = String(format: "\r%@ [%@] %d/%d %@, %.0f s, ETA %.0f s ", label, bar, done, total, unit, elapsed, eta)
    FileHandle.standardError.write(Data(line.utf8))
    if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
  }
}
