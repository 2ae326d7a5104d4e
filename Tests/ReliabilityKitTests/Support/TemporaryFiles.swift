import Foundation

/// A fresh directory for one test's input files, removed when the value is released.
final class TemporaryDirectory {
  let url: URL

  init() {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("cposim-tests-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  /// Writes `text` to `name` inside the directory and returns its path.
  @discardableResult
  func write(_ name: String, _ text: String) -> String {
    let file = url.appendingPathComponent(name)
    try! FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try! text.write(to: file, atomically: true, encoding: .utf8)
    return file.path
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// A small catalog with every fabric role, for loader and builder tests.
let testCatalog = """
  schema_version: 1
  parts:
    pluggable-800g:
      description: 800G module
      fru: pluggable-800g
      power_w: 16
      unit_cost_usd: 900
      source: estimate
      modes:
        laser:
          distribution: {kind: exponential, afr: 0.63%}
          effect: hard
          fix: replace
        contamination:
          distribution: {kind: exponential, afr: 0.3%}
          fix: clean
        flap:
          distribution: {kind: exponential, afr: 5%}
          effect: flap
          flap_duration: {kind: lognormal, median: 30s, sigma: 1}
    fibre-patch-cord: {fru: fibre-patch-cord, power_w: 0, unit_cost_usd: 20, source: estimate,
                       modes: {damage: {distribution: {kind: exponential, afr: 0.05%}}}}
    switch-board: {fru: switch-board, power_w: 913, unit_cost_usd: 36000, rework_cost_usd: 9000, source: estimate,
                   modes: {hardware: {distribution: {kind: exponential, afr: 5%}}}}
    cpo-switch-board: {fru: cpo-switch-board, power_w: 913, unit_cost_usd: 50000, rework_cost_usd: 12500, source: estimate,
                       modes: {hardware: {distribution: {kind: exponential, afr: 5%}}}}
    cpo-optical-engine: {fru: cpo-switch-board, power_w: 56, unit_cost_usd: 0, source: estimate,
                         modes: {engine: {distribution: {kind: exponential, mtbf: 162500h}}}}
    els-module: {fru: els-module, power_w: 16, unit_cost_usd: 1500, source: estimate,
                 modes: {laser: {distribution: {kind: exponential, afr: 5%}}}}
    cpo-internal-laser: {fru: cpo-switch-board, power_w: 2, unit_cost_usd: 0, source: estimate,
                         modes: {laser: {distribution: {kind: exponential, afr: 0.63%}}}}
    psu: {fru: psu, power_w: 0, unit_cost_usd: 500, source: estimate, modes: {fail: {distribution: {kind: exponential, afr: 2%}}}}
    fan: {fru: fan, power_w: 0, unit_cost_usd: 100, source: estimate, modes: {fail: {distribution: {kind: exponential, afr: 2%}}}}
    nic: {fru: nic, power_w: 0, unit_cost_usd: 1500, source: estimate, modes: {fail: {distribution: {kind: exponential, afr: 0.5%}}}}
    copper-dac-800g: {fru: copper-dac-800g, power_w: 0, unit_cost_usd: 150, source: estimate,
                      modes: {damage: {distribution: {kind: exponential, afr: 0.1%}}}}
  """
