import Foundation

/// Drawing failures: the binomial count of each population's units that fail within the
/// horizon, their first failures, the next failure after a repair, and what a failure does.
extension Trial {
  mutating func seedFirstFailures() {
    var first: [(payload: FailureEvent, time: Hours)] = []
    for (p, population) in layout.populations.enumerated() {
      let probability = population.model.probabilityOfFailure(by: horizon)
      guard probability > 0, population.count > 0 else { continue }
      let source = streams[p]
      let failing = source.binomial(trials: population.count, probability: min(probability, 1))
      for unit in Self.distinctIndices(count: failing, from: population.count, using: source) {
        let (time, mode) = population.model.sampleFirstFailure(by: horizon, using: source)
        first.append((FailureEvent(population: p, unit: unit, mode: mode, generation: 0), time))
      }
    }
    failureQueue.load(first, priority: .failure)
  }

  /// `k` distinct indices of `0..<n`, uniformly, in ascending order (Floyd's algorithm).
  /// - Complexity: O(k log k), independent of n.
  static func distinctIndices(count k: Int, from n: Int, using source: RandomSource) -> [Int] {
    var chosen = Set<Int>(minimumCapacity: k)
    for j in (n - k)..<n {
      let t = source.uniformInt(below: j + 1)
      if !chosen.insert(t).inserted { chosen.insert(j) }
    }
    return chosen.sorted()
  }

  /// Schedules the unit's next failure after it was renewed (or, if `keepAge`, after it
  /// survived a flap, a clean or an absorbed failure at its current age).
  mutating func scheduleNextFailure(population p: Int, unit u: Int, keepAge: Bool) {
    var state = units[p][u]
    state.generation += 1
    let op = operatingTime
    if !keepAge { state.renewedAt = op }
    units[p][u] = state
    let model = layout.populations[p].model
    let draw = keepAge ? model.sampleAfterSurvival(age: op - state.renewedAt, using: streams[p])
                       : model.sampleFresh(using: streams[p])
    let at = state.renewedAt + draw.time
    // Failures beyond the horizon (in operating time, which never runs ahead of calendar time) never happen.
    guard at <= horizon else { return }
    failureQueue.push(.init(population: p, unit: u, mode: draw.mode, generation: state.generation), at: at, priority: .failure)
  }

  mutating func handleFailure(_ event: FailureEvent) {
    let p = event.population, u = event.unit
    var state = units[p][u]
    guard state.generation == event.generation else { return }  // the unit was renewed since
    let population = layout.populations[p]
    counts.failures[p][event.mode] += 1
    counts.monthly[min(Int(now / TimeUnits.hoursPerMonth), counts.monthly.count - 1)] += 1
    record("failure", population: p, unit: u, detail: { let m = population.mode(event.mode); return "\(m.part.id)/\(m.mode.id)" }())

    if let duration = population.flapDurations[event.mode] {
      counts.flaps += 1
      let impact = layout.impact(of: population.failureRules[event.mode], unit: u, using: repairSource)
      let above = population.model.modes[event.mode].flapsLongerThan
      let length = above > 0 ? (try? duration.sample(truncatedTo: above...Hours.infinity, using: repairSource)) ?? above
                             : duration.sample(using: repairSource)
      apply(impact, down: true, planned: false, flap: length, population: p)
      push(.flapEnd(impact, duration: length, population: p), after: length, priority: .restoration)
      scheduleNextFailure(population: p, unit: u, keepAge: true)
      return
    }
    if state.absorbed < population.absorbable, state.openTicket == nil {
      // Redundancy inside the FRU takes it: no outage, a planned swap.
      state.absorbed += 1
      units[p][u] = state
      counts.absorbed += 1
      let ticket = desk.open(population: p, unit: u, mode: event.mode, impact: .none, planned: true,
                             age: operatingTime - state.renewedAt, at: now, using: repairSource)
      units[p][u].openTicket = ticket
      scheduleNextFailure(population: p, unit: u, keepAge: true)
      carryOutDeskEffects()
      return
    }
    let impact = layout.impact(of: population.failureRules[event.mode], unit: u, using: repairSource)
    apply(impact, down: true, planned: false, population: p)
    state.generation += 1  // no further failures until repaired
    units[p][u] = state
    if let existing = state.openTicket {
      desk.add(impact, to: existing)  // a planned swap already on its way fixes this too
      return
    }
    let ticket = desk.open(population: p, unit: u, mode: event.mode, impact: impact, planned: false,
                           age: operatingTime - state.renewedAt, at: now, using: repairSource)
    units[p][u].openTicket = ticket
    carryOutDeskEffects()
  }

  /// Flaps no job notices, counted per population and mode without events (AggregatedFlaps).
  mutating func addAggregatedFlaps() {
    for flaps in layout.aggregatedFlaps {
      let source = RandomSource(seed: seeds.seed(forTrial: trialIndex, stream: flaps.streamKey))
      let draw = flaps.draw(horizon: horizon, months: counts.monthly.count, hoursPerMonth: TimeUnits.hoursPerMonth, using: source)
      counts.flaps += draw.flaps
      counts.failures[flaps.population][flaps.mode] += draw.flaps
      for (m, n) in draw.monthly.enumerated() { counts.monthly[m] += n }
      plant.addDowntime(linkHours: draw.linkDownHours, nicLinkHours: draw.nicLinkDownHours)
      record("flaps-aggregated", population: flaps.population, unit: 0,
             detail: String(format: "%d flaps of at most %.4g h (aggregated), %.4g link-hours down", draw.flaps,
                            flaps.tolerance, draw.linkDownHours))
    }
  }
}
