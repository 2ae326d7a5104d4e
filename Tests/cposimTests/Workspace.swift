import Foundation
@testable import cposim

/// A fresh folder for one test's files, removed when the value is released.
final class Workspace: @unchecked Sendable {
  let url: URL

  init() {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("cposim-cli-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  /// Writes `text` to `name` in the folder and returns the file's path.
  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    let path = self.path(name)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  /// The `catalog:` line that points scenarios written here at the repository's catalog.
  static var catalogLine: String { "catalog: \(repositoryRoot.path)/FailureData/parts.yaml" }

  /// A small scenario the command tests share: a 256-GPU leaf-spine with copper NIC links, one
  /// 192-GPU job at the shipped calibration's background rate, eight trials of a year; `extra`
  /// is appended (top-level keys).
  static func smallScenario(optics: String = "pluggable", _ extra: String = "") -> String {
    """
    \(catalogLine)
    horizon: 1y
    trials: 8
    fabric: {topology: leaf-spine, gpus: 256, switch_radix: 32, optics: \(optics), nic_link: copper}
    node_pool: {spare_nodes: 2, spare_swap_time: 5m, host_repair: 24h}
    jobs: [{name: train, gpus: 192, checkpoint_interval: 30m, restart_overhead: 5m, background_rate: 3.4e-3/d, uplink_interrupt_probability: 0.5, flap_tolerance: 30s}]
    """ + (extra.isEmpty ? "" : "\n" + extra)
  }
}

/// Parses and runs a cposim command line: the message it fails with, as the user sees it, or nil
/// when it succeeds.
func failureMessage(_ arguments: [String]) -> String? {
  do {
    var command = try CPOSim.parseAsRoot(arguments)
    try command.run()
    return nil
  } catch {
    return CPOSim.message(for: error)
  }
}
