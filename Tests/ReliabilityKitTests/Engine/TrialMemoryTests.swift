import Foundation
import Testing
@testable import ReliabilityKit

/// Issue 18: what a trial holds grows with what is open at once, not with the events of the trial.
@Suite("Engine: what a trial holds in memory")
struct TrialMemoryTests {
  @Test("the repair desk holds the tickets open at once, not every ticket of the trial")
  func ticketSlotsAreReused() throws {
    // 100 units failing at 1/10,000 h, each repaired in 10 h: about 875 repairs in 10 years, with
    // 0.1 repairs open on average (Poisson), so more than 12 at once never happens in practice.
    let s = try scenario("""
      horizon: 10y
      parts:
        p: {fru: f, source: estimate, modes: {fail: {distribution: {kind: exponential, mtbf: 10000h}}}}
      system: {units: {u: {part: p, count: 100}}, structure: {series: [u]}}
      repair:
        detection: 0
        verification: 0
        technicians: {count: 100}
        workflows: {f: {action: hot-swap, clean_first: false, hands_on: 10h}}
      """)
    let simulation = try Simulation(scenario: s)
    var trial = Trial(layout: simulation.layout, scenario: s, seeds: SeedSequence(master: 1), trial: 0)
    let outcome = trial.run()
    let repairs = outcome.repairsByAction.reduce(0, +)
    #expect(repairs > 700)
    #expect(trial.desk.tickets.storage.count <= 12, "\(trial.desk.tickets.storage.count) ticket slots for \(repairs) repairs")
    // The trial's outcome is the one the public entry point gives.
    #expect(simulation.runTrial(0, seed: 1) == outcome)
  }

  @Test("a leave-dark ticket keeps its slot: a remap or a window's dispatch may still be on the calendar")
  func leaveDarkTicketsAreKept() throws {
    // Only optical engines fail (LeaveDarkTests' fabric), and every engine failure is left dark
    // until the weekly window, so no ticket may give its slot away: the slots hold tickets 0, 1,
    // 2, ... without a gap.
    let s = try scenario(LeaveDarkTests.cpo(engineMTBF: "20000h", workflow: """
            action: board-replace
            hands_on: 1h
            drain: 30m
            modes: {engine: {when: leave-dark}}
      """, spares: ", spare_ports: 8"))
    let simulation = try Simulation(scenario: s)
    var trial = Trial(layout: simulation.layout, scenario: s, seeds: SeedSequence(master: 3), trial: 0)
    let outcome = trial.run()
    let serials = trial.desk.tickets.storage.map(\.serial)
    #expect(outcome.remappedLinks > 0 && outcome.repairsByAction.reduce(0, +) > 10)
    #expect(serials == Array(0..<serials.count), "a leave-dark ticket's slot was given to another ticket")
  }
}
