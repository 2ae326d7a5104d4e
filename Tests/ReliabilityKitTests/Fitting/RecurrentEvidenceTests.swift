import Foundation
import Testing
import Yams
@testable import ReliabilityKit

@Suite("Evidence from recurrent-event logs")
struct RecurrentEvidenceTests {
  static let log = """
    unit,unit_class,installed,entered,exited,time,mode
    p1,port-a,2025-06-01,2026-01-01,2026-04-01,2026-02-01T10:00:00Z,contamination
    p1,,,,,2026-03-01,laser
    p2,port-a,2025-12-01,2026-01-01,2026-02-01,,
    c1,"odd: class",2026-01-15,2026-01-15,2026-04-01T12:00:00Z,2026-03-03,contamination
    """

  @Test("one item per unit class and mode, with the summed windows as exposure and the calendar window")
  func items() throws {
    let log = try RecurrentLog.parse(Self.log, file: "ops.csv")
    let evidence = try RecurrentEvidence(log: log, fleet: "dc-west", source: "dc-west-telemetry", part: nil, defaultPart: "ops")
    let yaml = try #require(try Yams.load(yaml: evidence.yaml) as? [String: Any])
    #expect(yaml["fleet"] as? String == "dc-west" && yaml["source"] as? String == "dc-west-telemetry")
    let items = try #require(yaml["items"] as? [[String: Any]])
    #expect(items.map { $0["name"] as? String } == ["odd-class-contamination", "odd-class-laser", "port-a-contamination", "port-a-laser"])
    #expect(items.map { $0["part"] as? String } == ["odd: class", "odd: class", "port-a", "port-a"])
    #expect(items.map { $0["count"] as? Int } == [1, 0, 1, 1])
    #expect(items.allSatisfy { $0["counted"] as? String == "failures" })
    let portHours = 24.0 * (31 + 28 + 31) + 24 * 31
    #expect((items[2]["exposure"] as? [String: Any])?["unit_hours"] as? Double == portHours
      || (items[2]["exposure"] as? [String: Any])?["unit_hours"] as? Int == Int(portHours))
    let window = try #require(items[2]["window"] as? [String: Any])
    #expect("\(window["from"]!)".hasPrefix("2026-01-01") && "\(window["to"]!)".hasPrefix("2026-04-01"))
    #expect(evidence.yaml.contains("window: {from: 2026-01-01, to: 2026-04-01}"))
    #expect(evidence.yaml.contains("window: {from: 2026-01-15, to: 2026-04-01T12:00:00Z}"))
  }

  @Test("--part names every item's part; a log without modes counts every event; without classes the default part")
  func partAndModes() throws {
    let log = try RecurrentLog.parse(Self.log, file: "ops.csv")
    let evidence = try RecurrentEvidence(log: log, fleet: "f", source: "s", part: "pluggable-800g-dr8", defaultPart: "ops")
    #expect(evidence.items.map(\.name) == ["pluggable-800g-dr8-contamination", "pluggable-800g-dr8-laser"])
    #expect(evidence.items.map(\.count) == [2, 1])
    let plain = try RecurrentLog.parse("unit,entered,exited,time\na,0,100,50\nb,0,300,\n", file: "x.csv")
    let items = try RecurrentEvidence(log: plain, fleet: "f", source: "s", part: nil, defaultPart: "x").items
    #expect(items.count == 1 && items[0].mode == nil && items[0].part == "x" && items[0].count == 1 && items[0].unitHours == 400)
    #expect(items[0].from == nil)
    // Every item has every key of the format: null mode (every event), null window (ages, no calendar).
    let yaml = try RecurrentEvidence(log: plain, fleet: "f", source: "s", part: nil, defaultPart: "x").yaml
    let item = try #require((try Yams.load(yaml: yaml) as? [String: Any])?["items"] as? [[String: Any]]).first
    #expect(Set(try #require(item).keys) == ["name", "counted", "part", "mode", "count", "exposure", "window"])
    #expect(yaml.contains("    mode: null\n") && yaml.contains("    window: null\n"))
  }

  @Test("--class and --mode keep only their units and kind of event, with that class's exposure")
  func classAndMode() throws {
    let log = try RecurrentLog.parse(Self.log, file: "ops.csv")
    let evidence = try RecurrentEvidence(log: log, fleet: "f", source: "s", part: nil, defaultPart: "ops",
                                         mode: "contamination", unitClass: "port-a")
    #expect(evidence.items.map(\.name) == ["port-a-contamination"])
    #expect(evidence.items.map(\.count) == [1])
    let portHours: Double = 24 * (31 + 28 + 31 + 31)  // p1 January to March, p2 January
    #expect(evidence.items[0].unitHours == portHours)
    let laser = try RecurrentEvidence(log: log, fleet: "f", source: "s", part: nil, defaultPart: "ops", mode: "laser")
    let laserNames: [String] = laser.items.map(\.name), laserCounts: [Int] = laser.items.map(\.count)
    #expect(laserNames == ["odd-class-laser", "port-a-laser"])
    #expect(laserCounts == [0, 1])
    // A chosen mode leaves events without one out instead of refusing the log.
    let partial = try RecurrentLog.parse("unit,entered,exited,time,mode\na,0,100,50,dirt\na,,,60,\n", file: "x.csv")
    let dirt = try RecurrentEvidence(log: partial, fleet: "f", source: "s", part: nil, defaultPart: "x", mode: "dirt")
    #expect(dirt.items.map(\.count) == [1])
  }

  @Test("events without a mode in a log that names modes: refused, naming their lines")
  func missingModes() throws {
    let log = try RecurrentLog.parse("unit,entered,exited,time,mode\na,0,100,50,dirt\na,,,60,\n", file: "x.csv")
    #expect(throws: RecurrentEvidence.EvidenceError.eventsWithoutMode(file: "x.csv", lines: [3])) {
      try RecurrentEvidence(log: log, fleet: "f", source: "s", part: nil, defaultPart: "x")
    }
  }

  @Test("names and text that YAML would misread are quoted and escaped, and read back as written", arguments: [
    "yes", "null", "Y", "n", "a: b", "#x", "- item", "quote\"back\\slash", "line\nbreak", "tab\there", "ünïcode", "1e3", "",
    "2024-01-01", "0x1F", "rtl\u{202E}override", "zero\u{200D}width", "emoji\u{1F600}", "bom\u{FEFF}",
  ])
  func quoting(text: String) throws {
    let scalar = RecurrentEvidence.scalar(text)
    let back = try Yams.load(yaml: "key: \(scalar)\n") as? [String: Any]
    #expect(back?["key"] as? String == text, "\(text) written as \(scalar)")
    // Nothing invisible or line-breaking survives into the file: it is escaped.
    #expect(!scalar.unicodeScalars.contains { $0.value < 0x20 || $0.properties.generalCategory == .format }, "\(scalar)")
  }
}
