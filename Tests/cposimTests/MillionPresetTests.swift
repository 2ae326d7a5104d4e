import Foundation
import Testing
@testable import ReliabilityKit

/// The 1M-GPU presets (issue 26): two planes of the 128k presets' radix-128 Clos, eight jobs of
/// the 128k preset's job. Their job lists are written out in both files (a `set:` cannot add
/// list items), so nothing but this test keeps them equal and on the calibrated inputs.
@Suite("The 1M-GPU presets")
struct MillionPresetTests {
  static func load(_ name: String) throws -> Scenario {
    try ScenarioLoader.load(path: repositoryRoot.appendingPathComponent("Scenarios/\(name).yaml").path)
  }

  @Test("both files run the same eight jobs, each the 128k preset's job on 128,000 GPUs with two-plane degradation")
  func jobsAreThe128kJob() throws {
    let pluggable = try Self.load("cluster-1m-pluggable"), cpo = try Self.load("cluster-1m-cpo-els")
    #expect(pluggable.jobs == cpo.jobs)
    var reference = try Self.load("cluster-128k-pluggable").jobs[0]
    reference.planeLoss = .degrade
    reference.communicationShare = 0.3
    #expect(pluggable.jobs.count == 8)
    for (index, job) in pluggable.jobs.enumerated() {
      var renamed = job
      renamed.name = reference.name
      #expect(renamed == reference, "jobs[\(index)] (\(job.name)) differs from the 128k preset's job")
    }
    #expect(Set(pluggable.jobs.map(\.name)).count == 8)
  }

  @Test("the fabric is two full planes of a radix-128 three-tier Clos: 1,048,576 GPUs, 40,960 switches")
  func fabricCounts() throws {
    for name in ["cluster-1m-pluggable", "cluster-1m-cpo-els"] {
      let scenario = try Self.load(name)
      guard case let .fabric(spec) = scenario.plant else { Issue.record("\(name) is not a fabric"); continue }
      #expect(spec.gpus == 1 << 20 && spec.planes == 2 && spec.switchRadix == 128)
      // Each plane serves k^3/4 NIC ports, exactly the 131,072 nodes' 4 NICs of that plane.
      #expect(spec.gpus / spec.planes == 128 * 128 * 128 / 4)
      let fabric = try FabricBuilder.build(spec, catalog: scenario.catalog)
      #expect(fabric.tiers.map(\.switches) == [16_384, 16_384, 8_192], "\(name): \(fabric.tiers.map(\.switches))")
      // Nodes: 128,000 in jobs, 2 % spares rounded up, the rest idle.
      let inJobs = scenario.jobs.reduce(0) { $0 + $1.nodes(gpusPerNode: spec.gpusPerNode) }
      #expect(inJobs == 128_000 && scenario.nodePool.spares(nodes: spec.nodes, inJobs: inJobs) == 2_622)
    }
  }
}
