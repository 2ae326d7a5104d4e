import Foundation
import Testing
@testable import ReliabilityKit

@Suite("Fit analysis and report")
struct FitAnalysisTests {
  @Test("issue 17: a fit that did not converge is never ranked, never the catalog line, and says why")
  func notConvergedIsNeverAResult() throws {
    // Three failures at the same age: no two-parameter family has a maximum (its spread goes to 0).
    let data = LifeData(failures: [100, 100, 100], censored: [])
    let analysis = try FitAnalysis(data: data, bounds: .fisher)
    #expect(analysis.ranked.map(\.fit.family) == [.exponential])
    #expect(Set(analysis.notConverged.map(\.family)) == [.weibull, .lognormal, .gamma])
    #expect(analysis.notConverged.allSatisfy { !($0.problem ?? "").isEmpty && $0.catalogYAML(source: "x") == nil })
    let report = FitReport(file: "same.csv", mode: nil, analysis: analysis)
    #expect(report.best.value == "exponential")
    let json = try JSONOutput.string(report)
    #expect(!json.contains("1.79769e+308") && !json.contains("e+308"))
    #expect(json.contains("\"not_converged\""))
    // With only the families that do not converge there is no best fit and no catalog block.
    let none = try FitAnalysis(data: data, families: [.weibull], bounds: .fisher)
    #expect(none.best == nil && FitReport(file: "same.csv", mode: nil, analysis: none).catalogYaml.value == nil)
  }

  @Test("delayed entry: fitting as if every unit were observed from new biases the Weibull, and the analysis says so")
  func ignoringEntryBiases() throws {
    // Units installed up to 3 scale-lengths before the window are in the data only if they survived to it.
    let truth = try Weibull(shape: 2.5, scale: 1000)
    let source = RandomSource(seed: 77)
    var observations: [LifeData.Observation] = []
    while observations.count < 400 {
      let entry = source.uniform() * 1500, life = truth.sample(using: source)
      guard life > entry else { continue }
      observations.append(.init(entry: entry, life <= entry + 500 ? .failed(at: life) : .censored(at: entry + 500)))
    }
    let analysis = try FitAnalysis(data: LifeData(observations), families: [.weibull], bounds: .both)
    let fit = try #require(analysis.best?.fit)
    let shape = try #require(fit.parameters.first { $0.name == "shape" })
    #expect(shape.lr!.contains(2.5))
    let naive = try #require(analysis.ignoringEntry)
    #expect(!shape.lr!.contains(naive.parameters.first { $0.name == "shape" }!.estimate))
  }

  @Test("--by-mode: the part block loads as a catalog part with one failure mode per log mode")
  func modeCatalogLoads() throws {
    let text = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("FailureData/field/synthetic-optics-modes.csv"), encoding: .utf8)
    let log = try FieldLog.parse(text, file: "optics.csv")
    let modes = try log.modes.map { ($0, try FitAnalysis(data: log.data(mode: $0), bounds: .fisher)) }
    let yaml = ModeCatalog.partYAML(partID: "optics-fitted", modes: modes, source: "optics.csv", units: log.rows.count)
    let directory = TemporaryDirectory()
    directory.write("FailureData/parts.yaml", "schema_version: 1\nparts:\n" + yaml)
    let scenario = try ScenarioLoader.load(path: directory.write("s.yaml", "system:\n  units: {a: {part: optics-fitted}}\n"))
    let part = try #require(scenario.catalog["optics-fitted"])
    #expect(part.modes.map(\.id).sorted() == ["contamination", "laser"])
    // The catalog holds the fitted parameters to the 6 significant digits the block writes.
    for (mode, analysis) in modes {
      let read = try #require(part.modes.first { $0.id == mode }?.distribution), fitted = try #require(analysis.best?.fit.distribution)
      #expect(read.kind == fitted.kind && close(read.mean, fitted.mean, 1e-5) && close(read.variance, fitted.variance, 1e-4), "\(mode)")
    }
  }

  @Test("mode names become catalog ids; file names cannot break the output lines")
  func names() {
    #expect(ModeCatalog.kebab("Laser Wear-out (85C)") == "laser-wear-out-85c")
    #expect(ModeCatalog.kebab("3rd party") == "rd-party")
    #expect(ModeCatalog.printable("a\nb\u{1b}[31m\\c") == "a\\nb\\u001b[31m\\\\c")
  }

  @Test("the JSON report holds no NaN or infinity (unbounded ends are null) and has schema version 2")
  func jsonIsFinite() throws {
    let data = LifeSamples.fleet(try Weibull(shape: 1.6, scale: 5000), n: 80, maxEntry: 3000, period: 800, follow: 6000, seed: 12)
    let analysis = try FitAnalysis(data: data, families: [.weibull, .exponential], bounds: .both, afrAges: [8760])
    let json = try JSONOutput.string(FitReport(file: "f.csv", mode: nil, analysis: analysis))
    #expect(json.contains("\"schema_version\" : 2"))
    #expect(json.contains("\"lr_ci95_low\"") && json.contains("\"interval_points\""))
  }
}

/// Issue 27: `cposim fit` never recommends a catalog line that the catalog (and validate) refuses.
@Suite("Fit: catalog lines load")
struct CatalogLineTests {
  /// Failures spread over 20 decades: the lognormal fits best with a sigma near 17, beyond the
  /// 10 cposim samples; the Weibull (shape about 0.05) is within its limits.
  static func wideLog() -> LifeData {
    let n = 60
    let ages = (0..<n).map { i in pow(10, 3 + 7.5 * GSL.normalPinv((Double(i) + 0.5) / Double(n))) }
    return LifeData(failures: ages, censored: [])
  }

  /// Loads `distribution` as a part's failure mode, the way a pasted catalog line is read.
  static func loads(_ distribution: String) throws {
    _ = try scenario("""
      horizon: 1y
      parts:
        p: {fru: f, source: estimate, modes: {fail: {distribution: \(distribution)}}}
      system: {units: {u: {part: p}}, structure: {series: [u]}}
      repair: {workflows: {f: {action: hot-swap, clean_first: false, hands_on: 4h}}}
      """)
  }

  @Test("a best fit the catalog would refuse is not written; the best one it takes is, and loads")
  func refusedFitNotRecommended() throws {
    let analysis = try FitAnalysis(data: Self.wideLog())
    let best = try #require(analysis.best)
    #expect(best.fit.family == .lognormal)
    #expect(best.fit.catalogProblem?.contains("'sigma' must be between 1e-09 and 10") == true, "\(best.fit.catalogProblem ?? "none")")
    // What fit prints and --by-mode writes: every catalog line offered loads.
    for candidate in analysis.ranked {
      if let line = candidate.fit.catalogDistribution { try Self.loads(line) }
    }
    #expect(best.fit.catalogYAML(source: "wide.csv") == nil)
    let part = ModeCatalog.partYAML(partID: "wide", modes: [("fail", analysis)], source: "wide.csv", units: 60)
    let line = try #require(part.split(separator: "\n").first { $0.contains("distribution:") })
    #expect(line.contains("kind: weibull"), "\(part)")
    try Self.loads(String(line.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces))
  }
}
