import Foundation
import ReliabilityKit

/// The scenario reader under libFuzzer: each input is written as a scenario file beside the
/// shipped scenarios (so `extends:` and `catalog: ../FailureData/parts.yaml` resolve), read, and
/// when it is small enough to build quickly, turned into a simulation. An input error is the
/// expected answer to a malformed file; a trap, a hang or a runaway allocation is a finding.
enum Workspace {
  /// `<tmp>/cposim-fuzz-<pid>/Scenarios/fuzz.yaml`, with the repository's scenarios and catalog linked in.
  nonisolated(unsafe) static var scenario: String = {
    let repository = ProcessInfo.processInfo.environment["CPOSIM_REPOSITORY"]
      ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../..").standardizedFileURL.path
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cposim-fuzz-\(getpid())")
    let scenarios = root.appendingPathComponent("Scenarios")
    try? FileManager.default.createDirectory(at: scenarios, withIntermediateDirectories: true)
    try? FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("FailureData").path,
                                                withDestinationPath: repository + "/FailureData")
    for name in (try? FileManager.default.contentsOfDirectory(atPath: repository + "/Scenarios")) ?? [] where name.hasSuffix(".yaml") {
      try? FileManager.default.createSymbolicLink(atPath: scenarios.appendingPathComponent(name).path,
                                                  withDestinationPath: repository + "/Scenarios/" + name)
    }
    return scenarios.appendingPathComponent("fuzz.yaml").path
  }()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScenario(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let path = Workspace.scenario
  guard FileManager.default.createFile(atPath: path, contents: Data(bytes: bytes, count: count)) else { return 0 }
  do {
    let scenario = try ScenarioLoader.load(path: path)
    // Build small plants too (the layout, the event-volume limit); large fabrics are skipped to
    // keep the fuzzer fast.
    let small: Bool
    switch scenario.plant {
    case let .fabric(fabric): small = fabric.gpus <= 2048
    case .system: small = true
    }
    if small { _ = try Simulation(scenario: scenario) }
  } catch {
    // An error with a message is the right answer to a malformed file.
    _ = "\(error)"
  }
  return 0
}
