import Foundation
import Testing
@testable import ReliabilityKit

@Suite("Evidence reader")
struct EvidenceReaderTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  @Test("reads exactly what cposim recurrent --evidence writes (mode and window null or set)")
  func readsRecurrentFormat() throws {
    let text = """
      # evidence from a log of recurrent events (cposim recurrent --evidence); format: docs/fitting.md
      fleet: synthetic-ports
      source: operator-telemetry
      items:
        - name: pluggable-800g-dr8-contamination
          counted: failures
          part: pluggable-800g-dr8
          mode: contamination
          count: 486
          exposure: {unit_hours: 17787453.79}
          window: {from: 2024-01-01, to: 2026-01-01}
        - name: ports-lab
          counted: failures
          part: ports-lab
          mode: null
          count: 4
          exposure: {unit_hours: 52000}
          window: null
      """
    let e = try EvidenceReader.parse(text, file: "e.yaml")
    #expect(e.fleet == "synthetic-ports" && e.source == "operator-telemetry" && e.items.count == 2)
    #expect(e.items[0].measure == .failures(part: "pluggable-800g-dr8", mode: "contamination", perUnit: 1))
    #expect(e.items[0].observed == .count(486) && e.items[0].exposure == .unitHours(17787453.79))
    #expect(e.items[0].window?.from == "2024-01-01" && e.items[0].line == 5)
    #expect(e.items[1].measure == .failures(part: "ports-lab", mode: nil, perUnit: 1) && e.items[1].window == nil)
    #expect(e.items[1].source == "operator-telemetry" && e.items[1].fleet == "synthetic-ports")
  }

  @Test("what cposim recurrent --evidence writes for the shipped ports log reads back item for item")
  func roundTrip() throws {
    let path = Self.repository.appendingPathComponent("FailureData/field/recurrent/synthetic-ports.csv").path
    let log = try RecurrentLog.read(path: path)
    let written = try RecurrentEvidence(log: log, fleet: "synthetic-ports", source: "operator-telemetry", part: "pluggable-800g-dr8",
                                        defaultPart: "synthetic-ports")
    let read = try EvidenceReader.parse(written.yaml, file: "ports-evidence.yaml")
    #expect(read.items.count == written.items.count && !read.items.isEmpty)
    for (a, b) in zip(read.items, written.items) {
      #expect(a.name == b.name && a.observed == .count(b.count))
      #expect(a.measure == .failures(part: b.part, mode: b.mode, perUnit: 1))
      guard case let .unitHours(h)? = a.exposure else { Issue.record("no exposure"); continue }
      #expect(abs(h - b.unitHours) <= 1e-9 * b.unitHours)
    }
  }

  @Test("an operator's telemetry in units and a duration: 12 NIC-link failures in 13 weeks on 4,096 links")
  func unitsAndDuration() throws {
    let e = try EvidenceReader.parse("""
      fleet: my-cluster
      source: operator-telemetry
      items:
        - {name: nic-links, counted: failures, part: pluggable-800g, per_unit: 2, count: 12, exposure: {units: 4096, duration: 13w}}
      """, file: "mine.yaml")
    #expect(e.items[0].exposure == .unitHours(4096 * 13 * 168))
    #expect(e.items[0].measure == .failures(part: "pluggable-800g", mode: nil, perUnit: 2))
  }

  @Test("rates as MTBFs or per-time rates, ordered as rates; thresholds parsed")
  func ratesAndThresholds() throws {
    let e = try EvidenceReader.parse("""
      fleet: f
      source: s
      items:
        - {name: a, counted: failures, part: p, rate: {value: 550000h, low: 500000h, high: 1000000h}}
        - {name: b, counted: failures, part: p, mode: m, rate: {value: 2.6%/y, low: 1.9%/y, high: 3.3%/y}}
        - {name: c, counted: threshold, threshold: "job_ettr > 90%", exposure: {scenario: \(Self.repository.path)/Scenarios/llama3-calibration.yaml}}
      """, file: "r.yaml")
    let mtbf: EvidenceItem.Observed = .rate(perUnitHour: 1.0 / 550_000, low: 1.0 / 1_000_000, high: 1.0 / 500_000)
    #expect(e.items[0].observed == mtbf)
    guard case let .rate(v, low, high) = e.items[1].observed else { Issue.record("not a rate"); return }
    #expect(close(v, 0.026 / 8760) && low < v && v < high)
    guard case let .threshold(t) = e.items[2].measure else { Issue.record("not a threshold"); return }
    #expect(t.metric == "job_ettr" && t.comparison == .above && t.value == 0.9 && e.items[2].observed == .held)
  }

  @Test("every mistake of a file is named with its line and key, unknown keys with the keys allowed",
        arguments: [
          ("items:\n  - {name: a, counted: failures, part: p, count: 1, exposure: {unit_hours: 10}}\nsource: s\n", "e.yaml:1:1: missing required key 'fleet'"),
          ("fleet: f\nsource: s\nitems:\n  - {name: a, counted: failures, part: p, count: 1, exposure: {unit_hours: 10}, cuont: 2}\n",
           "e.yaml:4:81: items[0].cuont: unknown key 'cuont'; allowed in 'items[0]': name, counted"),
          ("fleet: f\nsource: s\nitems:\n  - {name: a, counted: failures, part: p, exposure: {unit_hours: 10}}\n",
           "e.yaml:4:5: items[0]: give the observation: 'count'"),
          ("fleet: f\nsource: s\nitems:\n  - {name: a, counted: failures, part: p, count: -1, exposure: {unit_hours: 10}}\n",
           "items[0].count: must be at least 0 (got -1)"),
          ("fleet: f\nsource: s\nitems:\n  - {name: a, counted: failures, part: p, count: 3}\n",
           "missing required key 'exposure'"),
          ("fleet: f\nsource: s\nitems:\n  - {name: a, counted: metric, metric: job_ettr, count: 3, exposure: {unit_hours: 5}}\n",
           "a metric is predicted by simulating a scenario: give {scenario: FILE}"),
          ("fleet: f\nsource: s\nitems:\n  - {name: a, counted: failures, part: p, metric: x, count: 3, exposure: {unit_hours: 5}}\n",
           "items[0].metric: an item with counted: failures has no 'metric'"),
          ("fleet: f\nsource: s\nitems:\n  - {name: a, counted: failure, part: p, count: 3, exposure: {unit_hours: 5}}\n",
           "items[0].counted: must be one of failures, input_rate, metric, threshold (got 'failure') (did you mean 'failures'?)"),
          ("fleet: f\nsource: s\nitems:\n  - {name: a, counted: failures, part: p, rate: {value: 5000h, low: 1000h, high: 2000h}}\n",
           "the range must contain the value"),
          ("fleet: f\nsource: s\nitems:\n  - {name: a, counted: failures, part: p, count: 1, exposure: {unit_hours: 10}, window: {from: 2026-13-01, to: 2026-01-01}}\n",
           "items[0].window.from: must be a date YYYY-MM-DD"),
          ("fleet: f\nsource: s\nitems:\n  - {name: a, counted: failures, part: p, count: 1, exposure: {unit_hours: 10}}\n  - {name: a, counted: failures, part: q, count: 1, exposure: {unit_hours: 10}}\n",
           "the item name 'a' appears twice in this file"),
          ("fleet: f\nsource: s\nitems:\n  - {name: a, counted: threshold, threshold: \"job_ettr above 0.9\", exposure: {scenario: x.yaml}}\n",
           "must be 'METRIC > VALUE'"),
          ("fleet: f\nsource: s\nitems:\n  - {name: a, counted: failures, part: p, count: 1, exposure: {unit_hours: 10, units: 3}}\n",
           "must be {unit_hours: N}, {units: N, duration: D} or {scenario: FILE}"),
        ])
  func refuses(text: String, expected: String) {
    do {
      _ = try EvidenceReader.parse(text, file: "e.yaml")
      Issue.record("accepted: \(text)")
    } catch {
      #expect(error.description.contains(expected), "\(error.description)")
    }
  }

  @Test("all problems of a file come at once, in line order")
  func allAtOnce() {
    let text = "fleet: f\nsource: s\nitems:\n  - {name: a, counted: failures, part: p, count: x, exposure: {unit_hours: 10}}\n  - {name: b, counted: bogus}\n"
    do {
      _ = try EvidenceReader.parse(text, file: "e.yaml")
      Issue.record("accepted")
    } catch {
      #expect(error.errors.count == 2 && error.errors[0].line == 4 && error.errors[1].line == 5, "\(error)")
    }
  }

  @Test("the shipped evidence folder reads, with the published figures as written")
  func shipped() throws {
    let files = try EvidenceReader.load(paths: [Self.repository.appendingPathComponent("Evidence").path])
    let items = Dictionary(uniqueKeysWithValues: files.flatMap(\.items).map { ($0.name, $0) })
    #expect(items["llama3-switch-and-cable"]?.observed == .count(35))
    #expect(items["llama3-nic"]?.observed == .count(7))
    #expect(items["llama3-unexpected"]?.observed == .count(419))
    #expect(items["llama3-ettr-above-0.9"]?.observed == .held)
    // Alibaba: the assumed 100,000 link-months and switch-months give the printed percentages.
    #expect(items["alibaba-nic-tor-link-failures"]?.observed == .count(57))
    #expect(items["alibaba-nic-tor-link-failures"]?.exposure == .unitHours(100_000 * 730.5))
    #expect(items["alibaba-tor-crashes"]?.observed == .count(51))
    // Kokolis: 6.50 and 2.34 per 1000 node-days over 11 months of 2,000 and 1,000 nodes.
    for (name, nodes, rate) in [("kokolis-rsc1-node-failures", 2000.0, 6.50), ("kokolis-rsc2-node-failures", 1000.0, 2.34)] {
      guard let item = items[name], case let .count(k) = item.observed, case let .unitHours(h)? = item.exposure else {
        Issue.record("\(name) missing"); continue
      }
      #expect(h == nodes * 8035.5)
      #expect(abs(Double(k) / (h / 24) * 1000 - rate) < 0.005, "\(name): \(Double(k) / (h / 24) * 1000)")
    }
    #expect(items["meta-cpo-zero-flaps"]?.observed == .count(0))
    #expect(items["meta-cpo-zero-flaps"]?.exposure == .unitHours(1_049_000))
    let mtbf: EvidenceItem.Observed = .rate(perUnitHour: 1.0 / 550_000, low: 1.0 / 1_000_000, high: 1.0 / 500_000)
    #expect(items["meta-pluggable-550k-hours"]?.observed == mtbf)
    #expect(items["microsoft-switch-hardware"] != nil)
    #expect(Set(files.map(\.fleet)).count == files.count, "one fleet a file")
    // Every source key has its section in FailureData/SOURCES.md.
    let sources = try String(contentsOf: Self.repository.appendingPathComponent("FailureData/SOURCES.md"), encoding: .utf8)
    for item in files.flatMap(\.items) {
      #expect(sources.contains("### \(item.source)\n"), "\(item.name): no section for source '\(item.source)'")
    }
  }

  @Test("a folder without evidence, a missing file and names used twice across files are refused")
  func folderErrors() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    #expect(throws: InputErrors.self) { try EvidenceReader.load(paths: [dir.path]) }
    #expect(throws: InputErrors.self) { try EvidenceReader.load(paths: [dir.appendingPathComponent("none.yaml").path]) }
    let item = "fleet: f\nsource: s\nitems:\n  - {name: same, counted: failures, part: p, count: 1, exposure: {unit_hours: 10}}\n"
    try item.write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
    try item.replacingOccurrences(of: "fleet: f", with: "fleet: g").write(to: dir.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
    do {
      _ = try EvidenceReader.load(paths: [dir.path])
      Issue.record("accepted")
    } catch {
      #expect(error.description.contains("the item name 'same' is used twice"), "\(error)")
    }
  }
}
