import ArgumentParser
import Foundation
import ReportPages
import Testing
@testable import cposim
@testable import ReliabilityKit

@Suite("cposim infer")
struct InferCommandTests {
  static func workspace() throws -> (Workspace, String) {
    let workspace = Workspace()
    let scenario = try workspace.write("s.yaml", Workspace.smallScenario())
    return (workspace, scenario)
  }

  func run(_ arguments: [String]) throws {
    var command = try CPOSim.parseAsRoot(arguments)
    try command.run()
  }

  @Test("end to end, exact: 20 fibre failures in 1e7 fibre-hours with a log-uniform prior on the AFR give the truncated Gamma(20, T) posterior (mean and 5/95 % within 4 Monte Carlo errors); the JSON validates against its schema; the written scenario loads with the medians, the ranges and provenance calibrated")
  func conjugateEndToEnd() throws {
    let (dir, scenario) = try Self.workspace()
    let evidence = try dir.write("fibre.yaml", """
      fleet: my-cluster
      source: operator-telemetry
      items:
        - {name: fibre-damage, counted: failures, part: fibre-patch-cord, mode: cable-damage, count: 20, exposure: {unit_hours: 10000000}}
      """)
    let json = dir.path("out.json"), written = dir.path("posterior.yaml")
    try run(["infer", scenario, "--evidence", evidence, "--vary", "parts.fibre-patch-cord.modes.cable-damage.distribution.afr=0.01%..10%",
             "--population", "400", "--seed", "11", "--quiet", "--date", "2026-12-07", "-o", json, "--write-scenario", written])
    let data = try Data(contentsOf: URL(fileURLWithPath: json))
    let validator = try JSONSchemaValidator(schemaAt: repositoryRoot.appendingPathComponent("schemas/inference.schema.json"))
    let object = try JSONSerialization.jsonObject(with: data)
    #expect(validator.validate(object) == [])
    let report = object as! [String: Any]
    let input = (report["inputs"] as! [[String: Any]])[0]
    let ess = report["effective_sample_size"] as! Double
    // The AFR in % a year is the rate per hour × 876,000: the posterior of the AFR is
    // Gamma(20, 1e7 / 876,000) (the log-uniform prior is 1/λ; its truncation at 0.01 % and 10 %
    // cuts nothing measurable).
    let shape = 20.0, rate = 1e7 / 876_000
    let sd = shape.squareRoot() / rate
    #expect(ess > 100)
    #expect(abs(input["mean"] as! Double - shape / rate) <= 4 * sd / ess.squareRoot(), "\(input)")
    for (key, q) in [("p5", 0.05), ("p95", 0.95)] {
      let x = GSL.gammaPinv(q, shape: shape, scale: 1 / rate)
      let density = exp(shape * log(rate) - GSL.logGamma(shape) + (shape - 1) * log(x) - rate * x)
      #expect(abs(input[key] as! Double - x) <= 4 * (q * (1 - q) / ess).squareRoot() / density, "\(key) \(input[key]!) against \(x)")
    }
    let item = (report["items"] as! [[String: Any]])[0]
    #expect(item["conflict"] as? Bool == false && item["prediction"] as? String == "analytic")
    // The scenario: the median as set, the 5-95 % range, provenance calibrated naming the item.
    let text = try String(contentsOfFile: written, encoding: .utf8)
    #expect(text.contains("extends: s.yaml") && text.contains("fibre-damage"))
    let loaded = try ScenarioLoader.load(path: written)
    let value = loaded.inputs.first { $0.keyPath == "parts.fibre-patch-cord.modes.cable-damage.distribution.afr" }
    #expect(value?.provenance.className == "calibrated")
    #expect(value?.range != nil)
    // The scenario holds the median of its posterior draws (1000, systematically resampled in the
    // order of the values): within 1/1000 of cumulative weight of the weighted median, plus the
    // draws' six significant digits.
    let mean = loaded.catalog["fibre-patch-cord"]!.modes[0].distribution.mean
    let p50 = input["p50"] as! Double
    let density = exp(shape * log(rate) - GSL.logGamma(shape) + (shape - 1) * log(p50) - rate * p50)
    #expect(abs(876_000 / mean - p50) <= 1.0 / 1000 / density + 1e-5 * p50, "\(876_000 / mean) against \(p50)")
    #expect(loaded.posterior?.rows.count == 1000 && text.contains("sha256: "))
  }

  @Test("a simulated item: host interruptions counted over the scenario's horizon infer the background rate, and the count is inside its predictive interval")
  func simulatedItem() throws {
    let (dir, scenario) = try Self.workspace()
    let evidence = try dir.write("hosts.yaml", """
      fleet: my-cluster
      source: operator-telemetry
      items:
        - {name: host-interruptions, counted: metric, metric: job_interruptions_host, count: 60, exposure: {scenario: s.yaml}}
      """)
    let json = dir.path("out.json")
    try run(["infer", scenario, "--evidence", evidence, "--vary", "jobs[0].background_rate=1e-3/d..2e-2/d",
             "--population", "40", "--rounds", "2", "--trials", "4", "--seed", "3", "--quiet", "-o", json])
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
    let item = (report["items"] as! [[String: Any]])[0]
    #expect(item["prediction"] as? String == "simulated" && item["conflict"] as? Bool == false, "\(item)")
    #expect((item["predictive_low"] as! Double) <= 60 && 60 <= (item["predictive_high"] as! Double))
    // 60 interrupted a 24-node job in a year at about 60 / (24 × 365) per node-day.
    let mean = (report["inputs"] as! [[String: Any]])[0]["mean"] as! Double
    #expect(mean > 3e-3 && mean < 1.5e-2, "\(mean)")
  }

  @Test("the shipped analytic evidence against the 16k pluggable preset: every item is covered or its conflict named, and Alibaba's link and ToR rates conflict with the preset's 550k-h module rate and 2.6 %/yr switch rate, at the preset's values and under the posterior")
  func shippedAnalyticCheck() throws {
    let folder = repositoryRoot.appendingPathComponent("Evidence")
    let analytic = ["alibaba-hpn", "kokolis-rsc1", "kokolis-rsc2", "meta-cpo-study", "meta-pluggable-fleet", "microsoft-switches"]
      .map { folder.appendingPathComponent("\($0).yaml").path }
    let evidence = try EvidenceReader.load(paths: analytic)
    let preset = repositoryRoot.appendingPathComponent("Scenarios/cluster-16k-pluggable.yaml").path
    // The conflicts the docs name (docs/inference.md, Conflicts); any other is a failure.
    let named: Set<String> = ["alibaba-nic-tor-link-failures", "alibaba-tor-crashes", "meta-pluggable-550k-hours", "microsoft-switch-hardware"]

    let atPreset = try EvidenceModel(scenario: preset, inputs: [], evidence: evidence, trials: 1, seed: 1, threads: 1)
    let check = try Inference.run(inputs: [], likelihoods: atPreset.likelihoods, population: 10, seed: 1, model: atPreset.predict)
    let conflicts = Set(zip(atPreset.items, check.checks).filter { $0.1.conflict }.map(\.0.name))
    #expect(conflicts == ["alibaba-nic-tor-link-failures", "alibaba-tor-crashes"], "\(conflicts)")
    // The preset predicts 4-5 times Alibaba's counts: 265 link failures for 57, 217 crashes for 51.
    let predicted = Dictionary(uniqueKeysWithValues: zip(atPreset.items.map(\.name), check.checks.map(\.predicted)))
    #expect(abs(predicted["alibaba-nic-tor-link-failures"]! - 265.2) < 0.5 && abs(predicted["alibaba-tor-crashes"]! - 216.8) < 0.5)

    let inputs = [
      Inference.Input(keyPath: "parts.pluggable-800g.modes.laser-wearout.distribution.afr", prior: .logUniform(low: 0.05, high: 3), suffix: "%"),
      Inference.Input(keyPath: "parts.switch-board.modes.board-hardware.distribution.afr", prior: .logUniform(low: 0.1, high: 6), suffix: "%"),
      Inference.Input(keyPath: "jobs[0].background_rate", prior: .logUniform(low: 1e-3, high: 1e-2), suffix: "/d"),
    ]
    let model = try EvidenceModel(scenario: preset, inputs: inputs, evidence: evidence, trials: 1, seed: 1, threads: 1)
    let posterior = try Inference.run(inputs: inputs, likelihoods: model.likelihoods, population: 200, seed: 25, model: model.predict)
    let under = Set(zip(model.items, posterior.checks).filter { $0.1.conflict }.map(\.0.name))
    #expect(under.isSubset(of: named), "unnamed conflicts: \(under.subtracting(named))")
    #expect(under.contains("alibaba-nic-tor-link-failures"))
    // The Kokolis fleets, with their stated spread, are covered.
    #expect(!under.contains("kokolis-rsc1-node-failures") && !under.contains("kokolis-rsc2-node-failures"))
  }

  @Test("fleets differ, end to end on the shipped part-level evidence: the hierarchical model absorbs Alibaba's conflicts into a between-fleet spread whose new-fleet 90 % interval holds both Alibaba's and Meta's module rates; the pooled model keeps them as conflicts; leave-one-fleet-out has every fleet; the JSON validates, the page and the CSV carry the spreads and the fleets left out")
  func shippedHierarchical() throws {
    let dir = Workspace()
    let folder = repositoryRoot.appendingPathComponent("Evidence")
    let evidence = ["alibaba-hpn", "meta-pluggable-fleet", "microsoft-switches"].flatMap { ["--evidence", folder.appendingPathComponent("\($0).yaml").path] }
    let preset = repositoryRoot.appendingPathComponent("Scenarios/cluster-16k-pluggable.yaml").path
    let vary = ["--vary", "parts.pluggable-800g.modes.laser-wearout.distribution.afr=0.05%..3%",
                "--vary", "parts.switch-board.modes.board-hardware.distribution.afr=0.1%..6%"]
    let (json, html, csv) = (dir.path("h.json"), dir.path("h.html"), dir.path("h.csv"))
    try run(["infer", preset] + evidence + vary + ["--population", "200", "--seed", "25", "--quiet", "--date", "2026-12-07",
                                                  "-o", json, "--html", html, "--csv", csv])
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json)))
    let validator = try JSONSchemaValidator(schemaAt: repositoryRoot.appendingPathComponent("schemas/inference.schema.json"))
    #expect(validator.validate(object) == [])
    let report = object as! [String: Any]
    #expect(report["model"] as? String == "hierarchical")
    #expect((report["conflicts"] as! [String]).isEmpty, "\(report["conflicts"]!)")
    let spreads = report["fleet_spreads"] as! [[String: Any]]
    #expect(spreads.map { $0["rate"] as! String } == ["pluggable-800g (hard modes)", "switch-board/board-hardware"])
    // Per module-hour: Alibaba 57 / (2 × 100,000 × 730.5 h) = 3.9e-7, Meta 1 / 550,000 h = 1.82e-6.
    let module = spreads[0]["new_fleet_rate"] as! [String: Double]
    #expect(module["p5"]! < 3.9e-7 && module["p95"]! > 1.82e-6, "\(module)")
    // Per switch-hour: Alibaba 51 / (100,000 × 730.5 h) = 7.0e-7, Microsoft 2.6 %/yr = 2.97e-6.
    let switches = spreads[1]["new_fleet_rate"] as! [String: Double]
    #expect(switches["p5"]! < 7.0e-7 && switches["p95"]! > 2.97e-6, "\(switches)")
    let lofo = report["leave_one_fleet_out"] as! [[String: Any]]
    #expect(Set(lofo.map { $0["fleet"] as! String }) == ["alibaba-hpn-training", "meta-400g-pluggable-fleet", "microsoft-azure-switches"])
    let page = try String(contentsOfFile: html, encoding: .utf8)
    #expect(page == (try HTMLReport.render(file: json)))
    #expect(page.contains("data-kind=\"inference\"") && page.contains("Fleets differ") && page.contains("Leave one fleet out"))
    let table = try String(contentsOfFile: csv, encoding: .utf8)
    #expect(table.hasPrefix("scenario,section,name,fleet,metric,statistic,value,unit\n"))
    #expect(table.contains("cluster-16k-pluggable,fleet_spread,pluggable-800g (hard modes),alibaba-hpn-training;meta-400g-pluggable-fleet,sigma,p50,"))
    #expect(table.contains("cluster-16k-pluggable,leave_one_fleet_out,alibaba-nic-tor-link-failures,alibaba-hpn-training,predictive_check,p_value,"))

    // The pooled model on the same evidence: Alibaba's items conflict, as before this model.
    let pooled = dir.path("p.json")
    try run(["infer", preset] + evidence + vary + ["--population", "200", "--seed", "25", "--quiet", "--pooled", "-o", pooled])
    let p = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: pooled))) as! [String: Any]
    #expect(p["model"] as? String == "pooled" && (p["fleet_spreads"] as! [Any]).isEmpty)
    #expect(Set(p["conflicts"] as! [String]).isSuperset(of: ["alibaba-nic-tor-link-failures", "alibaba-tor-crashes"]))
  }

  @Test("leave one fleet out through the command: of five operators' NIC-link counts, the one at 8 times the others' rate is the fleet the others fail to predict")
  func leaveOneFleetOut() throws {
    let (dir, scenario) = try Self.workspace()
    var paths: [String] = []
    // 4,096 links for 13 weeks (5.4e6 module-hours at two a link): about 30 failures at the
    // catalog's module rate, 8 times that for the last operator.
    for (k, count) in [28, 35, 31, 26, 240].enumerated() {
      paths.append(try dir.write("op\(k).yaml", """
        fleet: operator-\(k)
        source: operator-telemetry
        items:
          - {name: op\(k)-links, counted: failures, part: pluggable-800g, mode: null, per_unit: 2, count: \(count), exposure: {units: 4096, duration: 13w}}
        """))
    }
    let json = dir.path("l.json")
    try run(["infer", scenario] + paths.flatMap { ["--evidence", $0] } + ["--vary", "parts.pluggable-800g.modes.laser-wearout.distribution.afr=0.05%..20%",
             "--population", "200", "--seed", "8", "--quiet", "-o", json])
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
    #expect(report["fleets_not_predicted"] as? [String] == ["operator-4"], "\(report["leave_one_fleet_out"]!)")
    #expect((report["conflicts"] as! [String]).isEmpty)
  }

  @Test("'--fleet' must name a fleet of the evidence")
  func unknownFleet() throws {
    let (dir, scenario) = try Self.workspace()
    let evidence = try dir.write("e.yaml", """
      fleet: my-cluster
      source: operator-telemetry
      items:
        - {name: a, counted: failures, part: pluggable-800g, count: 1, exposure: {unit_hours: 1000000}}
      """)
    let message = failureMessage(["infer", scenario, "--evidence", evidence, "--quiet", "--fleet", "my-clustre"])
    #expect(message?.contains("'--fleet my-clustre': no evidence item comes from that fleet (the fleets: my-cluster)") == true, "\(message ?? "no error")")
  }

  @Test("bad command lines name the option", arguments: [
    (["infer", "s.yaml"], "give at least one --evidence"),
    (["infer", "s.yaml", "--evidence", "e", "--vary", "a=1..2", "--vary", "a=1..3"], "names a twice"),
    (["infer", "s.yaml", "--evidence", "e", "--vary", "a=2..1"], "LOW must be below HIGH"),
    (["infer", "s.yaml", "--evidence", "e", "--population", "3"], "'--population' must be between 10 and 100000"),
    (["infer", "s.yaml", "--evidence", "e", "--fleet-spread", "0"], "'--fleet-spread' must be above 0"),
    (["infer", "s.yaml", "--evidence", "e", "--pooled", "--fleet", "x"], "drop --pooled or --fleet"),
  ])
  func badOptions(arguments: [String], expected: String) {
    let message = failureMessage(arguments)
    #expect(message?.contains(expected) == true, "\(message ?? "no error")")
  }

  @Test("an item the scenario cannot predict is named with its file and line; a key the scenario lacks stops before anything runs")
  func bindingErrors() throws {
    let (dir, scenario) = try Self.workspace()
    let evidence = try dir.write("bad.yaml", """
      fleet: f
      source: s
      items:
        - {name: a, counted: failures, part: pluggable-800gg, count: 1, exposure: {unit_hours: 10}}
        - {name: b, counted: metric, metric: job_interuptions_host, count: 1, exposure: {scenario: s.yaml}}
      """)
    let message = failureMessage(["infer", scenario, "--evidence", evidence, "--quiet"])
    #expect(message?.contains("bad.yaml:4: item 'a': no part 'pluggable-800gg'") == true, "\(message ?? "no error")")
    #expect(message?.contains("(did you mean 'pluggable-800g'?)") == true)
    #expect(message?.contains("bad.yaml:5: item 'b': no metric 'job_interuptions_host'") == true)
    let good = try dir.write("good.yaml", """
      fleet: f
      source: s
      items:
        - {name: a, counted: failures, part: pluggable-800g, count: 1, exposure: {unit_hours: 10}}
      """)
    let unknown = failureMessage(["infer", scenario, "--evidence", good, "--quiet", "--vary", "jobs[0].no_such_key=0..1"])
    #expect(unknown?.contains("no_such_key") == true, "\(unknown ?? "no error")")
  }
}
