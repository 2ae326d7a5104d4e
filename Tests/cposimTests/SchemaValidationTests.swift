import Foundation
import Testing
@testable import cposim
@testable import ReliabilityKit

/// Issue 28: a JSON Schema for every JSON cposim writes, checked by a real validator.
@Suite("Schemas of every JSON cposim writes")
struct SchemaValidationTests {
  static func object(_ data: Data) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: data) as! [String: Any]
  }

  static func object(file: String) throws -> [String: Any] {
    try object(Data(contentsOf: URL(fileURLWithPath: file)))
  }

  /// Runs the cposim binary and returns its standard output.
  static func output(_ arguments: [String]) throws -> Data {
    let binary = SignalTests.binary
    try #require(FileManager.default.isExecutableFile(atPath: binary.path), "no cposim binary at \(binary.path)")
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = Pipe()
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "cposim \(arguments.joined(separator: " "))")
    return data
  }

  @Test("every schema is a valid draft 2020-12 schema with an $id, and the docs list each one")
  func schemasAreListed() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("schemas").path)
      .filter { $0.hasSuffix(".schema.json") }.sorted()
    #expect(names == ["breakeven", "calibration", "comparison", "fit", "inference", "partial", "recurrent", "report", "sample", "sensitivity", "sweep"].map { "\($0).schema.json" })
    let docs = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/report.md"), encoding: .utf8)
    for name in names {
      let schema = try Self.object(file: repositoryRoot.appendingPathComponent("schemas/\(name)").path)
      #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema" && schema["$id"] != nil, "\(name)")
      #expect(docs.contains("schemas/\(name)"), "docs/report.md does not list \(name)")
      // The validator checks the schema itself (check_schema) before any document.
      #expect(try JSONSchemaValidator(schemaAt: repositoryRoot.appendingPathComponent("schemas/\(name)")).validate(["unrelated": true]).isEmpty == false)
    }
  }

  @Test("the validator knows every keyword: P(better) above 1 breaks comparison's `maximum`, an unknown estimate field its `additionalProperties`")
  func validatorIsReal() throws {
    let validator = try JSONSchemaValidator("comparison")
    var object = try Self.object(try HTMLReportTests.comparisonJSON())
    #expect(validator.validate(object) == [])
    var probability = object["probability_better"] as! [String: [String: [String: Any]]]
    probability["small-cpo"]!["job_ettr"]!["p"] = 1.5
    object["probability_better"] = probability
    let errors = validator.validate(object)
    #expect(errors.count == 1 && errors[0].contains("probability_better/small-cpo/job_ettr/p") && errors[0].contains("maximum of 1"), "\(errors)")
    var extra = try Self.object(try HTMLReportTests.comparisonJSON())
    var scenarios = extra["scenarios"] as! [String: [String: [String: Any]]]
    scenarios["small-cpo"]!["job_ettr"]!["median"] = 0.5
    extra["scenarios"] = scenarios
    #expect(validator.validate(extra).contains { $0.contains("'median' was unexpected") })
  }

  @Test("sweep and break-even reports validate against their schemas; a broken row does not")
  func sweepAndBreakeven() throws {
    let sweepValidator = try JSONSchemaValidator("sweep")
    var sweep = try Self.object(try HTMLReportTests.sweepJSON())
    #expect(sweepValidator.validate(sweep) == [])
    #expect(sweep["build_commit"] as? String == ToolVersion.commit)
    var rows = sweep["rows"] as! [[String: Any]]
    rows[0]["metric"] = 3
    sweep["rows"] = rows
    #expect(sweepValidator.validate(sweep).count == 1)
    let breakeven = try Self.object(try HTMLReportTests.breakevenJSON())
    #expect(try JSONSchemaValidator("breakeven").validate(breakeven) == [])
    var noPoints = breakeven
    noPoints["points"] = [Any]()
    #expect(try JSONSchemaValidator("breakeven").validate(noPoints).count == 1)
  }

  @Test("a calibration report validates against its schema")
  func calibration() throws {
    let (dir, scenario) = try CalibrateCommandTests.workspace()
    let json = dir.path("c.json")
    #expect(failureMessage(["calibrate", scenario, "--target", "job_interruptions_host=60", "--vary", "jobs[0].background_rate=1e-3/d..2e-2/d",
                            "--trials", "4", "--quiet", "-o", json]) == nil)
    let validator = try JSONSchemaValidator("calibration")
    #expect(validator.validate(files: [json]) == [])
    var object = try Self.object(file: json)
    object["kind"] = "sweep"
    #expect(validator.validate(object).count == 1)
  }

  @Test("fit --json validates against its schema for every field log, --by-mode included")
  func fit() throws {
    let logs = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("FailureData/field").path)
      .filter { $0.hasSuffix(".csv") }.sorted()
    try #require(logs.count >= 4)
    let validator = try JSONSchemaValidator("fit")
    let workspace = Workspace()
    var files: [String] = []
    for log in logs {
      let path = repositoryRoot.appendingPathComponent("FailureData/field/\(log)").path
      let file = workspace.path("\(log).json")
      try Self.output(["fit", path, "--json"]).write(to: URL(fileURLWithPath: file))
      files.append(file)
    }
    let byMode = workspace.path("modes.json")
    try Self.output(["fit", repositoryRoot.appendingPathComponent("FailureData/field/synthetic-optics-modes.csv").path, "--json", "--by-mode"])
      .write(to: URL(fileURLWithPath: byMode))
    #expect((try Self.object(file: byMode))["modes"] != nil)
    #expect(validator.validate(files: files + [byMode]) == [])
    var broken = try Self.object(file: files[0])
    broken["bounds"] = "some"
    #expect(validator.validate(broken).count == 1)
  }

  @Test("a shard's partial report and sample --json validate against their schemas")
  func partialAndSample() throws {
    let (dir, scenario) = try ShardTests.workspace()
    let part = dir.path("p.json")
    #expect(failureMessage(["run", scenario, "--shard", "1/3", "-o", part, "--quiet"]) == nil)
    let partial = try JSONSchemaValidator("partial")
    #expect(partial.validate(files: [part]) == [])
    var camel = try Self.object(file: part)
    camel["shardIndex"] = camel.removeValue(forKey: "shard_index")
    #expect(partial.validate(camel).count == 2, "camelCase keys are not the format")
    let sample = try JSONSchemaValidator("sample")
    for arguments in [["weibull", "--shape", "1.5", "--scale", "1000h", "-n", "200"], ["exponential", "--afr", "1%", "-n", "1"],
                      ["lognormal", "--median", "100h", "--sigma", "1", "--truncate", "10h..1000h", "-n", "50"]] {
      #expect(sample.validate(try Self.output(["sample"] + arguments + ["--json"])) == [], "\(arguments)")
    }
  }
}
