import Foundation
import Testing

/// Validates JSON against cposim's schemas (schemas/*.schema.json) with Python's `jsonschema`
/// (draft 2020-12, every keyword), through Tests/schemas/validate.py.
///
/// The Python is `CPOSIM_PYTHON` when set, else the repository's `.venv-test` (`make test` makes
/// it), else `python3`. When none of them has jsonschema, validation fails the test with a
/// message saying how to install it: a schema check never passes without running.
struct JSONSchemaValidator {
  let schema: URL

  init(schemaAt url: URL) throws {
    guard FileManager.default.fileExists(atPath: url.path) else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: url.path]) }
    schema = url
  }

  /// The schema `schemas/NAME.schema.json`.
  init(_ name: String) throws {
    try self.init(schemaAt: repositoryRoot.appendingPathComponent("schemas/\(name).schema.json"))
  }

  static let script = repositoryRoot.appendingPathComponent("Tests/schemas/validate.py")

  /// The Python to run the validator with, and whether it has jsonschema.
  static let python: (path: String, ready: Bool) = {
    var candidates: [String] = []
    if let chosen = ProcessInfo.processInfo.environment["CPOSIM_PYTHON"], !chosen.isEmpty { candidates.append(chosen) }
    candidates.append(repositoryRoot.appendingPathComponent(".venv-test/bin/python").path)
    candidates.append("/usr/bin/env")
    for candidate in candidates where candidate == "/usr/bin/env" || FileManager.default.isExecutableFile(atPath: candidate) {
      let arguments = candidate == "/usr/bin/env" ? ["python3", "-c", "import jsonschema"] : ["-c", "import jsonschema"]
      if (try? run(candidate, arguments).status) == 0 { return (candidate, true) }
    }
    return (candidates[0], false)
  }()

  static let missing = "JSON Schema validation needs Python's jsonschema: run `make test` (it creates .venv-test from "
    + "Tests/schemas/requirements.txt), or `python3 -m pip install jsonschema`, or set CPOSIM_PYTHON to a Python that has it"

  static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output)
  }

  /// The violations of `files` (one line each: file, path, message); a test fails when the
  /// validator cannot run.
  func validate(files: [String]) -> [String] {
    guard Self.python.ready else {
      Issue.record(Comment(rawValue: Self.missing))
      return ["jsonschema unavailable"]
    }
    let prefix = Self.python.path == "/usr/bin/env" ? ["python3"] : []
    do {
      let (status, output) = try Self.run(Self.python.path, prefix + [Self.script.path, schema.path] + files)
      let lines = output.split(separator: "\n").map(String.init)
      if status == 0 { return [] }
      if status == 1, !lines.isEmpty { return lines }
      Issue.record(Comment(rawValue: "the validator failed (status \(status)): \(output)"))
      return ["validator failed"]
    } catch {
      Issue.record(Comment(rawValue: "cannot run \(Self.python.path): \(error)"))
      return ["validator failed"]
    }
  }

  /// The violations of one JSON value (an object from JSONSerialization) or JSON text.
  func validate(_ instance: Any) -> [String] {
    let data: Data
    if let given = instance as? Data {
      data = given
    } else if let text = instance as? String {
      data = Data(text.utf8)
    } else {
      guard let encoded = try? JSONSerialization.data(withJSONObject: instance) else { return ["not JSON"] }
      data = encoded
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("cposim-schema-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: file) }
    do { try data.write(to: file) } catch { return ["cannot write \(file.path)"] }
    return validate(files: [file.path]).map { $0.replacingOccurrences(of: file.path + ": ", with: "") }
  }
}
