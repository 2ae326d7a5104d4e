import ArgumentParser
import Foundation
import ReliabilityKit

/// `cposim describe`: the inventory a scenario expands into.
struct Describe: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show what a scenario builds (switches, links, FRUs by part, lasers, optics power) and every input with its provenance.",
    discussion: """
      The inputs are the catalog values of the parts the plant uses and the numbers under repair, \
      node_pool, jobs and costs, each sourced (a key of FailureData/SOURCES.md), calibrated (target \
      and date), an estimate (its range and reason) or unstated (docs/inputs.md).

      Examples:
        cposim describe Scenarios/cluster-128k-pluggable.yaml
        cposim describe Scenarios/cluster-128k-cpo-els.yaml --json > inventory.json
      """
  )

  @Argument(help: "The scenario file.")
  var scenario: String

  @Flag(help: "Print the inventory as JSON.")
  var json = false

  func run() throws {
    let loaded = try ScenarioLoader.load(path: scenario)
    let inventory = try Inventory(scenario: loaded)
    if json {
      print(try JSONOutput.string(inventory), terminator: "")
    } else {
      print(InventoryTable.render(inventory))
      let extra = Self.posteriorLines(loaded)
      if !extra.isEmpty { print(extra.joined(separator: "\n")) }
    }
  }

  /// The posterior's inputs with their 5/50/95 % over the draws, and the branches.
  static func posteriorLines(_ scenario: Scenario) -> [String] {
    var lines: [String] = []
    if let p = scenario.posterior {
      lines += ["", "posterior  \(p.rows.count) joint draws of \(p.keys.count) inputs (\(p.file):\(p.line ?? 0)); each trial runs with one, "
        + "the scenario holds the medians"]
      let width = min(64, p.keys.map(\.count).max() ?? 0) + 2
      lines.append("  " + "key".padding(toLength: width, withPad: " ", startingAt: 0) + "5%          50%         95%")
      for (k, key) in p.keys.enumerated() {
        let q = [0.05, 0.5, 0.95].map { (String(format: "%.4g", p.quantile($0, key: k)) + p.units[k]).padding(toLength: 12, withPad: " ", startingAt: 0) }
        lines.append("  " + key.padding(toLength: max(width, key.count + 2), withPad: " ", startingAt: 0) + q.joined())
      }
      for (key, value) in p.provenance where key != "evidence" { lines.append("  \(key): \(value)") }
      if let evidence = p.provenance.first(where: { $0.key == "evidence" }) { lines.append("  evidence: \(evidence.value)") }
    }
    if !scenario.branches.isEmpty {
      lines += ["", "branches  \(scenario.branches.count) (cposim compare runs each under the same draws)"]
      for b in scenario.branches {
        lines.append("  \(b.name): " + b.set.map { "\($0.keyPath)=\($0.value)" }.joined(separator: ", "))
        lines.append("    \(b.note)\(b.source.map { " [\($0)]" } ?? "")")
      }
    }
    return lines
  }
}

enum InventoryTable {
  static func render(_ inventory: Inventory) -> String {
    var lines = ["\(inventory.scenario)  (\(inventory.files.joined(separator: " <- ")))", ""]
    func row(_ label: String, _ value: String) { lines.append(label.padding(toLength: 28, withPad: " ", startingAt: 0) + value) }
    func int(_ n: Int) -> String {
      let digits = String(n)
      var out = ""
      for (i, c) in digits.reversed().enumerated() {
        if i > 0, i % 3 == 0 { out.append(",") }
        out.append(c)
      }
      return String(out.reversed())
    }
    if let f = inventory.fabric {
      row("topology", "\(f.topology), radix \(f.switchRadix), \(f.portSpeedGbps)G ports")
      row("optics", f.optics)
      row("GPUs", int(f.gpus))
      row("nodes", "\(int(f.nodes))  (in jobs \(int(f.nodesInJobs)), spares \(int(f.spareNodes)), idle \(int(f.nodes - f.nodesInJobs - f.spareNodes)))")
      var wiring = ["NIC links \(f.nicLink)"]
      if f.railOptimized { wiring.append("rail-optimised") }
      if f.planes > 1 { wiring.append("\(f.planes) planes") }
      if f.nicHoming > 1 { wiring.append("dual-homed NICs") }
      if f.uplinkOverbuild > 0 { wiring.append("\(f.uplinkOverbuild) extra uplinks per leaf") }
      row("wiring", wiring.joined(separator: ", "))
      row("switches", int(f.switches) + "  (" + f.switchesByTier.map { "\($0.name) \(int($0.count))" }.joined(separator: ", ") + ")")
      row("links", int(f.links) + "  (" + f.linksByTier.map { "\($0.name) \(int($0.count))" }.joined(separator: ", ") + ")")
      row("switch ports in use", int(f.switchPortsInUse))
      row("pluggable transceivers", int(f.transceivers))
      row("optical engines", int(f.opticalEngines))
      row("ELS modules", int(f.elsModules))
      row("lasers", int(f.lasers))
      row("optics power", String(format: "%.1f kW (%.1f kW with PUE)", f.opticsPowerKw, f.opticsPowerWithPueKw))
    }
    if let s = inventory.system {
      row("units", s.units.map { "\($0.name) x\(int($0.count))" }.joined(separator: ", "))
    }
    lines.append("")
    lines.append("FRUs")
    for fru in inventory.frus { row("  \(fru.name)", int(fru.count)) }
    lines.append("parts")
    for part in inventory.parts { row("  \(part.name)", int(part.count)) }
    lines += capitalLines(inventory)
    lines += inputLines(inventory.inputs)
    return lines.joined(separator: "\n")
  }

  /// The capital and contract lines' inputs: each FRU's count, price, support contract and host
  /// SerDes power with their provenance, and the totals the cost lines use.
  static func capitalLines(_ inventory: Inventory) -> [String] {
    let lines = inventory.capital
    guard !lines.isEmpty else { return [] }
    func usd(_ x: Double) -> String { Quantity.format(x, unit: "usd", metric: "capital_cost_usd") }
    var out = ["", "capital and contracts  (FRU  count x price = installed  [price source];  support/yr;  host SerDes)"]
    for l in lines {
      var text = "\(l.count) x \(usd(l.unitCostUsd)) = \(usd(l.installedUsd))  [\(l.unitCostSource)]"
      if l.supportUsdPerYear > 0 { text += ";  support \(usd(l.supportUsdPerYear))/yr each [\(l.supportSource)]" }
      if l.totalHostSerdesW > 0 { text += String(format: ";  SerDes %.1f W each, %.1f kW [%@]", l.hostSerdesW, l.totalHostSerdesW / 1000, l.hostSerdesSource) }
      out.append("  " + l.fru.padding(toLength: 26, withPad: " ", startingAt: 0) + text)
    }
    let installed = lines.reduce(0) { $0 + $1.installedUsd }
    let support = lines.reduce(0) { $0 + $1.supportUsdPerYear * Double($1.count) }
    let serdes = lines.reduce(0) { $0 + $1.totalHostSerdesW }
    let counted: String
    if let life = inventory.capitalLifeHours {
      counted = "amortised over \(String(format: "%g", life / 8760)) y: \(usd(installed * 8760 / life))/yr"
    } else if inventory.capitalOneOff {
      counted = "counted once (capital_life: one-off)"
    } else {
      counted = "not counted (no costs.capital_life)"
    }
    out.append("  " + "installed capital".padding(toLength: 26, withPad: " ", startingAt: 0) + "\(usd(installed)), \(counted)")
    out.append("  " + "support contracts".padding(toLength: 26, withPad: " ", startingAt: 0) + "\(usd(support))/yr")
    out.append("  " + "host SerDes power".padding(toLength: 26, withPad: " ", startingAt: 0) + String(format: "%.1f kW", serdes / 1000))
    return out
  }

  /// Every input: key path, value, provenance class and what backs it; a summary line first.
  static func inputLines(_ inputs: [Inventory.Input]) -> [String] {
    guard !inputs.isEmpty else { return [] }
    func count(_ c: String) -> Int { inputs.filter { $0.provenance == c }.count }
    let unranged = inputs.filter { $0.provenance == "estimate" && $0.range.value == nil }.count
    var lines = ["", "inputs  \(inputs.count): \(count("sourced")) sourced, \(count("calibrated")) calibrated, "
                   + "\(count("estimate")) estimates (\(unranged) without a range), \(count("unstated")) unstated"]
    let keyWidth = min(64, inputs.map(\.keyPath.count).max() ?? 0) + 2
    let valueWidth = min(14, inputs.map(\.value.count).max() ?? 0) + 2
    for input in inputs {
      var what: String
      switch input.provenance {
      case "sourced": what = input.source.value ?? ""
      case "calibrated": what = "target \(input.target.value ?? ""), \(input.date.value ?? "")"
      case "estimate": what = input.reason.value ?? ""
      default: what = ""
      }
      if let range = input.range.value { what = "[\(range.low), \(range.high)]" + (what.isEmpty ? "" : "  " + what) }
      else if input.provenance == "estimate" { what = "NO RANGE  " + what }
      // Pad, never cut: a key or value longer than its column pushes the rest right.
      func column(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + "  " : text.padding(toLength: width, withPad: " ", startingAt: 0)
      }
      lines.append("  " + column(input.keyPath, keyWidth) + column(input.value, valueWidth)
                   + column(input.provenance, 12) + what)
    }
    return lines
  }
}

/// Writes one line to standard error.
func printError(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}
