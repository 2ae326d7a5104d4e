import Foundation
import Testing
@testable import ReliabilityKit

/// What each FRU takes down, resolved once per population: the rules of small fabrics against
/// blast radii worked out by hand (in the comments).
@Suite("Fabric layout: impact rules")
struct FabricLayoutTests {
  static func layout(optics: String) throws -> PlantLayout {
    try PlantLayout(scenario: scenario("fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: \(optics)}\n"))
  }

  static func population(_ layout: PlantLayout, _ name: String) throws -> PlantLayout.Population {
    try #require(layout.populations.first { $0.name == name })
  }

  @Test("CPO with ELS: a board swap drains all 64 ports, an ELS its 8, an engine failure its 8")
  func cpoBlastRadii() throws {
    // 16 leaves (32 NIC ports + 32 uplinks each) and 8 spines of 64 ports; 8 engines and 8 ELS
    // of 8 ports per switch.
    let layout = try Self.layout(optics: "cpo")
    let f = try #require(layout.fabric)
    let source = RandomSource(seed: 7)
    let board = try Self.population(layout, "cpo-switch-board@leaf")
    #expect(board.drainRule == .wholeSwitch(firstSwitch: 0))
    #expect(f.links(of: layout.impact(of: board.drainRule, unit: 3, using: source)).count == 64)
    let modes = board.model.modes.indices.map { board.mode($0).part.id }
    for (m, part) in modes.enumerated() {
      let impact = layout.impact(of: board.failureRules[m], unit: 3, using: source)
      // The board's own failure takes the switch; an optical engine's, one engine's 8 ports of leaf 3.
      #expect(f.links(of: impact).count == (part == "cpo-switch-board" ? 64 : 8))
      #expect(f.links(of: impact).allSatisfy { f.links(ofSwitch: 3).contains($0) })
    }
    let els = try Self.population(layout, "els-module@spine")
    // Spine ELS units: 8 per switch; unit 11 is group 3 of spine 1 (switch 16 + 1 = 17).
    let impact = layout.impact(of: els.failureRules[0], unit: 11, using: source)
    #expect(impact == .ports(switch: 17, range: 24..<32))
    #expect(els.drainRule == els.failureRules[0])
    let psu = try Self.population(layout, "psu@spine")
    #expect(layout.impact(of: psu.failureRules[0], unit: 5, using: source) == .redundancy(switch: 18, group: .psu))
    #expect(psu.drainRule == .none)
  }

  @Test("link-level units map onto their links: leaf modules 0.., spine modules from the uplinks, NIC side 0..")
  func linkOffsets() throws {
    let layout = try Self.layout(optics: "pluggable")
    // 512 NIC-leaf links (0..<512) and 512 leaf-spine links (512..<1024).
    #expect(try Self.population(layout, "pluggable-800g@leaf").failureRules[0] == .link(offset: 0))
    #expect(try Self.population(layout, "pluggable-800g@spine").failureRules[0] == .link(offset: 512))
    #expect(try Self.population(layout, "pluggable-800g@nic").failureRules[0] == .link(offset: 0))
    #expect(try Self.population(layout, "fibre-patch-cord@leaf-spine").failureRules[0] == .link(offset: 512))
    #expect(try Self.population(layout, "switch-board@spine").failureRules[0] == .wholeSwitch(firstSwitch: 16))
  }

  @Test("an engine drawn at random is uniform over the switch's 8 engines")
  func engineDraws() throws {
    let layout = try Self.layout(optics: "cpo")
    let board = try Self.population(layout, "cpo-switch-board@leaf")
    let engineMode = try #require(board.model.modes.indices.first { board.mode($0).part.id == "cpo-optical-engine" })
    var counts = [Int](repeating: 0, count: 8)
    let source = RandomSource(seed: 11)
    for _ in 0..<8000 {
      guard case let .ports(_, range) = layout.impact(of: board.failureRules[engineMode], unit: 0, using: source) else {
        Issue.record("an engine failure must darken ports"); return
      }
      counts[range.lowerBound / 8] += 1
    }
    // 1000 expected per engine; a binomial sd of about 30: every count within 5 sd.
    #expect(counts.allSatisfy { abs($0 - 1000) < 150 })
  }
}

@Suite("Fabric layout: nodes, rails and homing")
struct NodeWiringTests {
  static func layout(_ fabric: String) throws -> FabricLayout {
    try #require(try PlantLayout(scenario: scenario("fabric: {\(fabric)}\n")).fabric)
  }

  @Test("without rails a leaf serves all NICs of 4 nodes; with rails one NIC of 32 nodes")
  func rails() throws {
    // 512 GPUs, 64 nodes, 32 NIC ports per leaf.
    let plain = try Self.layout("topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable")
    #expect(Set(plain.leaves(ofNode: 0)) == [0] && Set(plain.leaves(ofNode: 5)) == [1])
    let rails = try Self.layout("topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable, rail_optimized: true")
    // Rail r of nodes 0..<32 on leaf 2r, of nodes 32..<64 on leaf 2r + 1.
    #expect(rails.leaves(ofNode: 0) == [0, 2, 4, 6, 8, 10, 12, 14])
    #expect(rails.leaves(ofNode: 40) == [1, 3, 5, 7, 9, 11, 13, 15])
    let leafZero = rails.links(ofSwitch: 0).filter { $0 < rails.nicLinks }
    #expect(leafZero.count == 32 && Set(leafZero.map { $0 / 8 }).count == 32 && leafZero.allSatisfy { $0 % 8 == 0 })
  }

  @Test("a dual-homed NIC reaches the two leaves of a pair, and its failure takes both links")
  func dualHoming() throws {
    let dual = try Self.layout("topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable, nic_homing: 2")
    #expect(dual.leaf(ofNICLink: 5) == 0 && dual.leaf(ofNICLink: 512 + 5) == 1)
    let layout = try PlantLayout(scenario: scenario("fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable, nic_homing: 2}\n"))
    let nic = try #require(layout.populations.first { $0.name == "nic@nic" })
    #expect(layout.impact(of: nic.failureRules[0], unit: 5, using: RandomSource(seed: 1)) == .linkSet(first: 5, stride: 512, count: 2))
  }

  @Test("planes: NIC r of a node joins plane r mod P, and each plane's spines reach only its leaves")
  func planes() throws {
    let f = try Self.layout("topology: leaf-spine, gpus: 512, switch_radix: 64, optics: pluggable, planes: 2")
    // Plane 0 holds 256 NICs on leaves 0..<8, plane 1 on leaves 8..<16.
    #expect(f.leaf(ofNICLink: 0) == 0 && f.leaf(ofNICLink: 1) == 8 && f.leaf(ofNICLink: 2) == 0)
    for spine in 16..<20 { #expect(f.links(ofSwitch: spine).allSatisfy { (($0 - f.leafSpineOffset) / f.up) < 8 }) }
    for spine in 20..<24 { #expect(f.links(ofSwitch: spine).allSatisfy { (($0 - f.leafSpineOffset) / f.up) >= 8 }) }
  }
}
