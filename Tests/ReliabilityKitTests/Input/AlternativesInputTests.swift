import Foundation
import Testing
@testable import ReliabilityKit

/// The inputs of the optics alternatives and the capital and contract model: one clear message
/// per bad value, naming file, line, field and value.
@Suite("Scenario loader: optics classes, capital and contract inputs")
struct AlternativesInputTests {
  let directory = TemporaryDirectory()

  init() {
    directory.write("FailureData/parts.yaml", testCatalog)
  }

  func errors(_ text: String) -> [String] {
    do {
      _ = try ScenarioLoader.load(path: directory.write("s.yaml", text))
      return []
    } catch {
      return error.errors.map { $0.description.replacingOccurrences(of: directory.url.path + "/", with: "") }
    }
  }

  static let fabric = "fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable}\n"

  @Test("costs.capital_life: a positive duration or one-off; anything else names file, line, field and value")
  func capitalLife() throws {
    #expect(errors(Self.fabric + "costs: {capital_life: 5y}\n") == [])
    #expect(errors(Self.fabric + "costs: {capital_life: one-off}\n") == [])
    #expect(errors(Self.fabric + "costs: {capital_life: forever}\n")
      == ["s.yaml:2:23: costs.capital_life: must be a duration such as 5y (the life the capital is amortised over) or one-off (got 'forever')"])
    #expect(errors(Self.fabric + "costs: {capital_life: 0y}\n") == ["s.yaml:2:23: costs.capital_life: must be a positive duration (got '0y')"])
    #expect(errors(Self.fabric + "costs:\n  capital_life: 5\n").first?.hasPrefix("s.yaml:3:17: costs.capital_life: ") == true)
    let scenario = try ScenarioLoader.load(path: directory.write("ok.yaml", Self.fabric + "costs: {capital_life: 4y}\n"))
    #expect(scenario.costs.capital == .life(4 * 8760))
  }

  @Test("host_serdes_w and support_usd_per_year: numbers of 0 or more, with file, line, field and value")
  func partFields() throws {
    #expect(errors(Self.fabric + "parts:\n  switch-board: {support_usd_per_year: -5}\n")
      == ["s.yaml:3:40: parts.switch-board.support_usd_per_year: must be a price in US dollars per year, 0 or more (got -5)"])
    #expect(errors(Self.fabric + "parts:\n  pluggable-800g: {host_serdes_w: lots}\n")
      == ["s.yaml:3:35: parts.pluggable-800g.host_serdes_w: must be a number (got 'lots')"])
    let scenario = try ScenarioLoader.load(path: directory.write("ok.yaml", Self.fabric
      + "parts:\n  pluggable-800g: {host_serdes_w: 4.5}\n  switch-board: {support_usd_per_year: 900}\n"))
    #expect(scenario.catalog["pluggable-800g"]?.hostSerDesWatts == 4.5)
    #expect(scenario.catalog["switch-board"]?.supportUSDPerYear == 900)
  }

  @Test("optics: lpo and lro are fabric options; an unknown class lists them")
  func opticsClasses() throws {
    let message = errors("fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: linear}\n")
    #expect(message == ["s.yaml:1:69: fabric.optics: must be one of pluggable, cpo, cpo-internal-laser, lpo, lro (got 'linear')"])
    // Without an lpo-800g part in the catalog the fabric names the missing part and its role.
    let missing = errors("fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: lpo}\n")
    #expect(missing.count == 1 && missing[0].contains("transceiver part 'lpo-800g' is not in the catalog"), "\(missing)")
    // parts.transceiver still chooses the module.
    let spec = try ScenarioLoader.load(path: directory.write("ok.yaml",
      "fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: lpo, parts: {transceiver: pluggable-800g}}\n"))
    guard case let .fabric(f) = spec.plant else { Issue.record("not a fabric"); return }
    #expect(f.roles.transceiver == "pluggable-800g" && f.optics == .lpo)
  }
}
