import Foundation
import Testing
@testable import ReliabilityKit

/// Inventory counts of small fabrics against counts worked out by hand (in the comments).
@Suite("Fabric builder")
struct FabricBuilderTests {
  let catalog: PartCatalog

  init() throws {
    let directory = TemporaryDirectory()
    directory.write("FailureData/parts.yaml", testCatalog)
    let path = directory.write("s.yaml", "system: {units: {a: {part: fan}}}\n")
    catalog = try ScenarioLoader.load(path: path).catalog
  }

  func spec(_ topology: FabricSpec.TopologyPreset, gpus: Int, radix: Int, optics: FabricSpec.Optics,
            oversubscription: Double = 1) -> FabricSpec {
    FabricSpec(topology: topology, gpus: gpus, gpusPerNode: 8, switchRadix: radix, portSpeedGbps: 800,
               oversubscription: oversubscription, optics: optics, portsPerOpticalEngine: 8, portsPerELS: 8,
               spareLaserLanes: 0, lasersPerModule: 8, lasersPerELS: 8, psusPerSwitch: 2, psusRequired: 1,
               fansPerSwitch: 6, fansRequired: 5, roles: .init())
  }

  @Test("leaf-spine, 512 GPUs, radix 64, pluggable")
  func leafSpinePluggable() throws {
    // d = u = 32; leaves = 512/32 = 16; leaf-spine links = 16·32 = 512; spines = 512/64 = 8.
    let f = try FabricBuilder.build(spec(.leafSpine, gpus: 512, radix: 64, optics: .pluggable), catalog: catalog)
    #expect(f.tiers.map(\.switches) == [16, 8])
    #expect(f.links.map(\.count) == [512, 512])
    #expect(f.switchPortsInUse == 1024 + 512)
    // A module at each end of every link: 2·1024 = 2048 (1536 switch ports + 512 NICs).
    #expect(f.transceivers == 2048)
    #expect(f.count(ofPart: "fibre-patch-cord") == 1024)
    #expect(f.count(ofPart: "switch-board") == 24)
    #expect(f.count(ofPart: "psu") == 48 && f.count(ofPart: "fan") == 144 && f.count(ofPart: "nic") == 512)
    #expect(f.opticalEngines == 0 && f.elsModules == 0)
    #expect(f.lasers == 2048 * 8)
    // 2048 modules × 16 W.
    #expect(f.opticsPowerWatts(catalog: catalog) == 32_768)
  }

  @Test("leaf-spine, 512 GPUs, radix 64, CPO with ELS")
  func leafSpineCPO() throws {
    // 24 switches × 64/8 = 8 engines = 192 engines; 24 × 64/8 = 192 ELS; NIC side keeps 512 modules.
    let f = try FabricBuilder.build(spec(.leafSpine, gpus: 512, radix: 64, optics: .cpo), catalog: catalog)
    #expect(f.opticalEngines == 192 && f.elsModules == 192 && f.transceivers == 512)
    #expect(f.lasers == 512 * 8 + 192 * 8)
    #expect(f.fruCounts.first { $0.part == "cpo-switch-board" }?.count == 24)
    let board = try #require(f.populations.first { $0.role == .switchBoard })
    #expect(board.parts == [.init(part: "cpo-switch-board", count: 1), .init(part: "cpo-optical-engine", count: 8)])
    #expect(f.count(ofPart: "switch-board") == 0)
    // 192 × 56 W + 192 × 16 W + 512 × 16 W.
    #expect(f.opticsPowerWatts(catalog: catalog) == 10_752 + 3_072 + 8_192)
  }

  @Test("CPO with internal lasers: lasers sit on the board, no ELS")
  func internalLaser() throws {
    let f = try FabricBuilder.build(spec(.leafSpine, gpus: 512, radix: 64, optics: .cpoInternalLaser), catalog: catalog)
    #expect(f.elsModules == 0)
    // One laser per port (8 lasers per 8-port ELS equivalent): 24 boards × 64 = 1536.
    #expect(f.count(ofPart: "cpo-internal-laser") == 1536)
    #expect(f.lasers == 512 * 8 + 1536)
    let board = try #require(f.populations.first { $0.role == .switchBoard })
    #expect(board.parts.contains(.init(part: "cpo-internal-laser", count: 64)))
  }

  @Test("three-tier Clos, 16,384 GPUs, radix 64")
  func threeTier16k() throws {
    // leaves 16384/32 = 512; pods of 32 leaves: 16 pods × 32 spines = 512 spines;
    // core = 16384/64 = 256; three link tiers of 16,384.
    let f = try FabricBuilder.build(spec(.threeTierClos, gpus: 16_384, radix: 64, optics: .pluggable), catalog: catalog)
    #expect(f.tiers.map(\.switches) == [512, 512, 256])
    #expect(f.linkCount == 3 * 16_384)
    #expect(f.switchPortsInUse == 81_920)
    #expect(f.transceivers == 98_304)
  }

  @Test("three-tier Clos, 131,072 GPUs, radix 128: the published 655k count is the switch ports")
  func threeTier128k() throws {
    let f = try FabricBuilder.build(spec(.threeTierClos, gpus: 131_072, radix: 128, optics: .pluggable), catalog: catalog)
    #expect(f.tiers.map(\.switches) == [2048, 2048, 1024])
    #expect(f.switchPortsInUse == 655_360)
    #expect(f.transceivers == 655_360 + 131_072)
  }

  @Test("oversubscription 3:1 splits leaf ports 48 down, 16 up")
  func oversubscribed() throws {
    // leaves ⌈1000/48⌉ = 21; links 21·16 = 336; spines ⌈336/64⌉ = 6.
    let f = try FabricBuilder.build(spec(.leafSpine, gpus: 1000, radix: 64, optics: .pluggable, oversubscription: 3), catalog: catalog)
    #expect(f.tiers.map(\.switches) == [21, 6])
    #expect(f.tiers[0].downlinksPerSwitch == 48 && f.tiers[0].uplinksPerSwitch == 16)
    #expect(f.links.map(\.count) == [1000, 336])
  }

  @Test("fabrics larger than the topology allows are rejected with the limit")
  func limits() {
    #expect(throws: ModelError.self) { try FabricBuilder.build(spec(.leafSpine, gpus: 2049, radix: 64, optics: .pluggable), catalog: catalog) }
    #expect(throws: Never.self) { try FabricBuilder.build(spec(.leafSpine, gpus: 2048, radix: 64, optics: .pluggable), catalog: catalog) }
    #expect { try FabricBuilder.build(spec(.threeTierClos, gpus: 65_537, radix: 64, optics: .pluggable), catalog: catalog) } throws: {
      "\($0)".contains("connects at most 65536 GPUs")
    }
  }

  @Test("copper NIC links: cables instead of NIC-side modules, leaf optics only on the uplinks")
  func copperNICLinks() throws {
    // Leaf-spine 512 GPUs radix 64 (16 leaves of 32 + 32, 8 spines): 512 cables; leaf modules on
    // the 512 uplinks only; spine modules 512; fibres only leaf-spine (512).
    var s = spec(.leafSpine, gpus: 512, radix: 64, optics: .pluggable)
    s.nicLink = .copper
    let f = try FabricBuilder.build(s, catalog: catalog)
    #expect(f.count(ofPart: "copper-dac-800g") == 512)
    #expect(f.transceivers == 512 + 512)
    #expect(f.count(ofPart: "fibre-patch-cord") == 512)
    // CPO: a leaf's engines and ELS serve its 32 uplinks (4 of 8 ports each); spines 8 each.
    s.optics = .cpo
    let cpo = try FabricBuilder.build(s, catalog: catalog)
    #expect(cpo.opticalEngines == 16 * 4 + 8 * 8 && cpo.elsModules == 16 * 4 + 8 * 8)
    #expect(cpo.transceivers == 0)
  }

  @Test("rails, planes, dual homing and uplink overbuild change the inventory as counted by hand")
  func variants() throws {
    // Rail-optimised: 64 nodes, each rail's 64 NICs on 2 leaves of 32: 16 leaves, as without rails.
    var rails = spec(.leafSpine, gpus: 512, radix: 64, optics: .pluggable)
    rails.railOptimized = true
    #expect(try FabricBuilder.build(rails, catalog: catalog).tiers.map(\.switches) == [16, 8])
    // Two planes of 256 NICs: 8 leaves and ⌈8·32/64⌉ = 4 spines each.
    var planes = spec(.leafSpine, gpus: 512, radix: 64, optics: .pluggable)
    planes.planes = 2
    let p = try FabricBuilder.build(planes, catalog: catalog)
    #expect(p.tiers.map(\.switches) == [16, 8] && p.links.map(\.count) == [512, 512])
    // Dual-homed: 1024 NIC links on 2·16 = 32 leaves, 32·32 = 1024 uplinks, 16 spines;
    // modules 1024 (leaf NIC ports) + 1024 (leaf uplinks) + 1024 (spines) + 1024 (NIC side).
    var dual = spec(.leafSpine, gpus: 512, radix: 64, optics: .pluggable)
    dual.nicHoming = 2
    let d = try FabricBuilder.build(dual, catalog: catalog)
    #expect(d.tiers.map(\.switches) == [32, 16] && d.links.map(\.count) == [1024, 1024])
    #expect(d.transceivers == 4096 && d.count(ofPart: "nic") == 512)
    // Overbuild of 4 uplinks: d = ⌊60/2⌋ = 30, u = 34; ⌈512/30⌉ = 18 leaves, ⌈18·34/64⌉ = 10 spines.
    var over = spec(.leafSpine, gpus: 512, radix: 64, optics: .pluggable)
    over.uplinkOverbuild = 4
    let o = try FabricBuilder.build(over, catalog: catalog)
    #expect(o.tiers.map(\.switches) == [18, 10] && o.tiers[0].downlinksPerSwitch == 30 && o.tiers[0].uplinksPerSwitch == 34)
    // Planes must divide the NICs of a node.
    var bad = spec(.leafSpine, gpus: 512, radix: 64, optics: .pluggable)
    bad.planes = 3
    #expect { try FabricBuilder.build(bad, catalog: catalog) } throws: { "\($0)".contains("planes 3 must divide gpus_per_node 8") }
  }

  @Test("a role naming a missing part is an error with a suggestion")
  func missingRole() {
    var s = spec(.leafSpine, gpus: 64, radix: 64, optics: .pluggable)
    s.roles.psu = "psuu"
    #expect(throws: ModelError.unknownPart(id: "psuu", role: "psu", suggestion: "psu")) { try FabricBuilder.build(s, catalog: catalog) }
  }
}

@Suite("Topology closed forms")
struct TopologyTests {
  @Test("series multiplies, parallel is 1 − Π(1 − A), k-of-n sums binomial terms")
  func closedForms() {
    let a = ["x": 0.9, "y": 0.8]
    #expect(close(Topology.series([.unit("x"), .unit("y")]).availability(unitAvailability: a, counts: [:]), 0.72))
    #expect(close(Topology.parallel([.unit("x"), .unit("y")]).availability(unitAvailability: a, counts: [:]), 0.98))
    // 100 units in series, each 1/(1 + 10/10000).
    let unit = 1 / (1 + 10.0 / 10_000)
    #expect(close(Topology.unit("c").availability(unitAvailability: ["c": unit], counts: ["c": 100]), 0.904883, 1e-6))
    // 2-of-3 of A = 0.9: 3·0.81·0.1 + 0.729 = 0.972.
    #expect(close(Topology.kOutOfN(k: 2, of: [.unit("x")]).availability(unitAvailability: a, counts: ["x": 3]), 0.972))
    // 1-of-2 equals parallel.
    #expect(close(Topology.kOutOfN(k: 1, of: [.unit("x")]).availability(unitAvailability: a, counts: ["x": 2]), 0.99))
  }
}
