import Foundation
import Testing
@testable import ReliabilityKit

/// Repair policy per failure mode: a CPO board whose optical engine failed is left dark until the
/// next maintenance window (or moved to spare ports), while its own hardware failures are still
/// swapped at once.
@Suite("Engine: leave-dark and policies per failure mode", .tags(.statistical))
struct LeaveDarkTests {
  /// Only optical engines fail (and, with `board`, the board hardware): 24 CPO switches of a
  /// 512-GPU leaf-spine, 8 engines each.
  static func cpo(engineMTBF: String = "200000h", board: String = "1e15h", workflow: String, spares: String = "",
                  horizon: String = "2y") -> String {
    """
    horizon: \(horizon)
    fabric: {topology: leaf-spine, gpus: 512, switch_radix: 64, optics: cpo\(spares)}
    parts:
      pluggable-800g: {modes: {laser: {distribution: {kind: exponential, mtbf: 1e15h}}, contamination: {distribution: {kind: exponential, mtbf: 1e15h}}, flap: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      fibre-patch-cord: {modes: {damage: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      cpo-switch-board: {modes: {hardware: {distribution: {kind: exponential, mtbf: \(board)}}}}
      cpo-optical-engine: {modes: {engine: {distribution: {kind: exponential, mtbf: \(engineMTBF)}}}}
      els-module: {modes: {laser: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      psu: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      fan: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
      nic: {modes: {fail: {distribution: {kind: exponential, mtbf: 1e15h}}}}
    repair:
      detection: 6m
      verification: 6m
      technicians: {count: 50}
      maintenance_window: {every: 1w, duration: 4h, offset: 0}
      workflows:
        cpo-switch-board:
    \(workflow)
    """
  }

  @Test("dark port-hours: each engine failure darkens 8 ports until the next window, then the swap drains the switch")
  func darkPortHours() throws {
    let s = try scenario(Self.cpo(workflow: """
            action: board-replace
            hands_on: 1h
            drain: 30m
            modes: {engine: {when: leave-dark}}
      """))
    // Per failure: 8 ports dark for detection + the wait to the next window start (uniform: half
    // a week on average) + the swap; the other 56 ports down for drain, hands-on and verification.
    let week = 168.0, detection = 0.1, drain = 0.5, handsOn = 1.0, verification = 0.1
    let perFailure = 8 * (detection + week / 2) + 64 * (drain + handsOn + verification)
    let simulation = try Simulation(scenario: s)
    var ratios: [Double] = []
    for trial in 0..<200 {
      let o = simulation.runTrial(trial, seed: 17)
      let failures = Double(o.failures.joined().reduce(0, +))
      guard failures > 0 else { continue }
      ratios.append(o.linkDownHours / failures)
    }
    // A second engine failure on a board already left dark waits for the same swap (its own
    // detection is skipped and the drain is shared): about 1 in 300 failures here, at most
    // half a week less each. The tolerance allows it.
    expectMean(ratios, equals: perFailure, extraTolerance: perFailure * 0.01)
  }

  @Test("a refined mode dispatches only its own failures: board hardware is still swapped at once")
  func perModeDispatch() throws {
    let s = try scenario(Self.cpo(engineMTBF: "100000h", board: "20000h", workflow: """
            action: board-replace
            modes: {engine: {when: leave-dark}}
      """))
    var records: [TraceRecord] = []
    _ = try Simulation(scenario: s).runTrial(0, seed: 3) { records.append($0) }
    var modeOfUnit: [String: String] = [:]
    var checked = 0
    for record in records {
      let key = "\(record.population ?? "")#\(record.unit)"
      if record.event == "failure" { modeOfUnit[key] = record.detail }
      if record.event == "detected", let mode = modeOfUnit[key] {
        #expect(record.detail == (mode.hasSuffix("/engine") ? "leave-dark" : "now"), "\(mode) -> \(record.detail)")
        checked += 1
      }
    }
    #expect(checked > 20)
  }

  @Test("with spare ports the dark links move to them and come back after the remap time")
  func remapToSparePorts() throws {
    // A swap that costs only its 6-minute verification, so the remap shows: 8 ports dark for
    // detection (6 min) + remap (2 h) instead of until the window (half a week on average).
    let leaveDark = """
            action: board-replace
            hands_on: 0
            drain: 0
            modes: {engine: {when: leave-dark, remap_time: 2h}}
      """
    let dark = try Simulation(scenario: try scenario(Self.cpo(workflow: leaveDark)))
    let remap = try Simulation(scenario: try scenario(Self.cpo(workflow: leaveDark, spares: ", spare_ports: 8")))
    var darkPerFailure: [Double] = [], remapPerFailure: [Double] = []
    var remapped = 0, failures = 0
    for trial in 0..<60 {
      let a = dark.runTrial(trial, seed: 5), b = remap.runTrial(trial, seed: 5)
      let na = Double(a.failures.joined().reduce(0, +)), nb = b.failures.joined().reduce(0, +)
      if na > 0 { darkPerFailure.append(a.linkDownHours / na) }
      if nb > 0 { remapPerFailure.append(b.linkDownHours / Double(nb)) }
      remapped += b.remappedLinks
      failures += nb
    }
    // With 8 spare ports a switch uses 56 of its 64 ports, so the 8th engine serves only spare
    // ports and its failure darkens nothing: 7 failures in 8 darken 8 links, and all of them move
    // (unless a second engine of the same board failed first and found the spare ports taken).
    #expect(Double(remapped) >= 0.95 * 7 * Double(failures) && remapped <= 8 * failures, "\(remapped) of \(failures) failures")
    // Remapped: 8 × 2.1 h, plus the swap's verification on the at most 56 ports in use.
    let remapMean = remapPerFailure.reduce(0, +) / Double(remapPerFailure.count)
    #expect(remapMean >= 8 * 2.1 - 0.5 && remapMean <= 8 * 2.1 + 56 * 0.1 + 2, "\(remapMean)")
    // Left dark: 8 × (0.1 h + half a week) and the verification on 64 ports.
    expectMean(darkPerFailure, equals: 8 * (0.1 + 84) + 64 * 0.1, extraTolerance: 8)
  }

  @Test("swap_when_dark_exceeds swaps at once when the switch has too many dark ports")
  func threshold() throws {
    let s = try scenario(Self.cpo(workflow: """
            action: board-replace
            modes: {engine: {when: leave-dark, swap_when_dark_exceeds: 7}}
      """))
    // Every engine failure darkens 8 > 7 ports: nothing waits for a window.
    let deferral = try perTrial(s, trials: 10) { $0.deferralHours }
    #expect(deferral.allSatisfy { $0 == 0 })
  }

  @Test("a mode that is not in the FRU's parts is an error naming the modes")
  func unknownMode() throws {
    #expect { try scenario(Self.cpo(workflow: """
            action: board-replace
            modes: {enigne: {when: leave-dark}}
      """)) } throws: { "\($0)".contains("no failure mode 'enigne' in the parts of FRU 'cpo-switch-board' (did you mean 'engine'?)") }
    #expect { try scenario(Self.cpo(workflow: """
            action: board-replace
            modes: {engine: {remap_time: 1h}}
      """)) } throws: { "\($0)".contains("only applies with when: leave-dark") }
  }
}
