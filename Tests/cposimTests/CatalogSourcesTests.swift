import Foundation
import Testing
import ReliabilityKit

@Suite("Part catalog")
struct CatalogSourcesTests {
  func catalog() throws -> PartCatalog {
    let workspace = Workspace()
    let scenario = try workspace.write("s.yaml", "\(Workspace.catalogLine)\nsystem: {units: {a: {part: fan}}}\n")
    return try ScenarioLoader.load(path: scenario).catalog
  }

  @Test("every source in FailureData/parts.yaml is a section of SOURCES.md, or 'estimate'")
  func sourcesExist() throws {
    let sources = try String(contentsOf: repositoryRoot.appendingPathComponent("FailureData/SOURCES.md"), encoding: .utf8)
    let headings = Set(sources.split(separator: "\n").filter { $0.hasPrefix("### ") }.map { String($0.dropFirst(4)).trimmingCharacters(in: .whitespaces) })
    for part in try catalog().parts {
      for source in [part.source] + part.modes.map(\.source) where source != "estimate" {
        #expect(headings.contains(source), "part \(part.id): source '\(source)' has no section in SOURCES.md")
      }
    }
  }

  @Test("the catalog covers every part the fabric presets need, each with at least one failure mode")
  func coverage() throws {
    let catalog = try catalog()
    let roles = FabricSpec.Roles()
    for id in [roles.transceiver, roles.fibre, roles.switchBoard, roles.cpoSwitchBoard, roles.opticalEngine, roles.els,
               roles.internalLaser, roles.psu, roles.fan, roles.nic] {
      let part = try #require(catalog[id], "missing part \(id)")
      #expect(!part.modes.isEmpty)
    }
    // The pluggable has the four modes the issue names: laser wear-out, electronics, contamination, flap.
    let modes = try #require(catalog[roles.transceiver]).modes
    #expect(modes.contains { $0.fix == .clean || $0.fix == .reseat })
    #expect(modes.contains { if case .flap = $0.effect { true } else { false } })
    #expect(modes.filter { $0.fix == .replace }.count >= 2)
  }
}
