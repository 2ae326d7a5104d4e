import Foundation

/// Drawing failures: the binomial count of each population's units that fail within the
/// horizon, their first failures, the next failure after a repair, and what a failure does.
extension Trial {
  /// Each population's lemons and bad-lot units (from streams of their own), then, per variant,
  /// the binomial count of units failing within the horizon, which ones (Floyd), their start
  /// ages (over a commissioning ramp) and when.
  mutating func seedFirstFailures() {
    var first: [(payload: FailureEvent, time: Hours)] = []
    for (p, population) in layout.populations.enumerated() {
      let n = population.count
      guard n > 0 else { continue }
      var lemons: [Int] = [], lot: [Int] = []
      if let lemon = population.lemon, lemon.probability > 0 {
        let s = RandomSource(seed: seeds.seed(forTrial: trialIndex, stream: SeedSequence.streamKey("lemons:\(population.name)")))
        lemons = Self.distinctIndices(count: s.binomial(trials: n, probability: min(1, lemon.probability)), from: n, using: s)
      }
      if let badLot = population.badLot, badLot.fraction > 0 {
        let s = RandomSource(seed: seeds.seed(forTrial: trialIndex, stream: SeedSequence.streamKey("bad-lot:\(population.name)")))
        lot = Self.distinctIndices(count: min(n, Int((badLot.fraction * Double(n)).rounded())), from: n, using: s)
      }
      lemonsAtStart[p] = lemons.count
      let lemonSet = Set(lemons), lotSet = Set(lot)
      let special = Array(lemonSet.union(lotSet)).sorted()
      for variant in 0..<4 {
        let members: [Int]?  // nil: the units that are neither lemons nor from the bad lot
        let count: Int
        if variant == 0 {
          members = nil
          count = n - special.count
        } else {
          members = special.filter { (lemonSet.contains($0) ? 1 : 0) | (lotSet.contains($0) ? 2 : 0) == variant }
          count = members!.count
        }
        let model = population.variants[variant]
        let ages = population.rampAges?[variant]
        let probability = ages?.probabilityOfFailure ?? model.probabilityOfFailure(by: horizon, age: population.installedAge)
        guard probability > 0, count > 0 else { continue }
        let source = streams[p]
        let failing = source.binomial(trials: count, probability: min(probability, 1))
        for position in Self.distinctIndices(count: failing, from: count, using: source) {
          let unit = members?[position] ?? Self.free(position, from: 0, excluding: special[...])
          let age = ages?.sampleAge(using: source) ?? population.installedAge
          let (time, mode) = model.sampleFirstFailure(by: horizon, age: age, using: source)
          if variant != 0 || age != 0 { units[p][unit] = UnitState(renewedAt: -age, variant: UInt8(variant)) }
          first.append((FailureEvent(population: p, unit: unit, mode: mode, generation: 0), time))
          if let lead = precursorLead(population: p, mode: mode) , time - lead >= 0 {
            first.append((FailureEvent(population: p, unit: unit, mode: mode, generation: 0, precursor: true), time - lead))
          }
        }
      }
    }
    failureQueue.load(first, priority: .failure)
  }

  /// The lead time of a failure's detectable degradation, when the FRU is monitored and the
  /// failure shows one (drawn from the population's stream).
  private mutating func precursorLead(population p: Int, mode: Int) -> Hours? {
    let population = layout.populations[p]
    guard population.actOnDegradation, let precursor = population.precursors[mode] else { return nil }
    guard streams[p].uniform() < precursor.probability else { return nil }
    return precursor.leadTime.sample(using: streams[p])
  }

  /// The `position`-th integer from `start` that is not in `excluded` (sorted).
  static func free(_ position: Int, from start: Int, excluding excluded: ArraySlice<Int>) -> Int {
    guard !excluded.isEmpty else { return start + position }
    var answer = start + position
    while true {
      // How many excluded units lie in [start, answer]: the answer moves right by as many.
      var low = excluded.startIndex, high = excluded.endIndex
      while low < high {
        let mid = (low + high) / 2
        if excluded[mid] <= answer { low = mid + 1 } else { high = mid }
      }
      let next = start + position + (low - excluded.startIndex)
      if next == answer { return answer }
      answer = next
    }
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
    let model = layout.populations[p].variants[Int(state.variant)]
    let draw = keepAge ? model.sampleAfterSurvival(age: op - state.renewedAt, using: streams[p])
                       : model.sampleFresh(using: streams[p])
    let at = state.renewedAt + draw.time
    // Failures beyond the horizon (in operating time, which never runs ahead of calendar time) never happen.
    guard at <= horizon else { return }
    failureQueue.push(.init(population: p, unit: u, mode: draw.mode, generation: state.generation), at: at, priority: .failure)
    if let lead = precursorLead(population: p, mode: draw.mode), at - lead >= op {
      failureQueue.push(.init(population: p, unit: u, mode: draw.mode, generation: state.generation, precursor: true), at: at - lead,
                        priority: .failure)
    }
  }

  mutating func handleFailure(_ event: FailureEvent) {
    let p = event.population, u = event.unit
    var state = units[p][u]
    guard state.generation == event.generation else { return }  // the unit was renewed since
    let population = layout.populations[p]
    if event.precursor {
      // Degradation seen before the failure: a monitored FRU is swapped as planned work.
      guard state.openTicket == nil else { return }
      counts.degradationsCaught += 1
      record("degradation", population: p, unit: u, detail: { let m = population.mode(event.mode); return "\(m.part.id)/\(m.mode.id)" }())
      let ticket = desk.open(population: p, unit: u, mode: event.mode, impact: .none, planned: true,
                             age: operatingTime - state.renewedAt, at: now, using: repairSource, forced: .replace)
      units[p][u].openTicket = ticket
      carryOutDeskEffects()
      return
    }
    counts.failures[p][event.mode] += 1
    counts.monthly[min(Int(now / TimeUnits.hoursPerMonth), counts.monthly.count - 1)] += 1
    record("failure", population: p, unit: u, detail: { let m = population.mode(event.mode); return "\(m.part.id)/\(m.mode.id)" }())

    if let duration = population.flapDurations[event.mode] {
      counts.flaps += 1
      let impact = layout.impact(of: population.failureRules[event.mode], unit: u, using: repairSource)
      // Only flaps longer than the smallest tolerance are simulated for healthy units; a lemon's
      // model simulates all of its flaps (its variant says which).
      let above = population.variants[Int(state.variant)].modes[event.mode].flapsLongerThan
      let length = above > 0 ? (try? duration.sample(truncatedTo: above...Hours.infinity, using: repairSource)) ?? above
                             : duration.sample(using: repairSource)
      apply(impact, down: true, planned: false, flap: length, population: p)
      push(.flapEnd(impact, duration: length, population: p), after: length, priority: .restoration)
      if state.variant & 1 != 0 { counts.lemonFlaps += 1 }
      if let proactive = population.proactive {
        // A unit that flaps too often is fixed as planned work (lemon detection).
        var history = flapHistory[p][u]
        let recent = history.record(now, within: proactive.within)
        flapHistory[p][u] = history
        if recent >= proactive.afterFlaps, units[p][u].openTicket == nil {
          counts.proactiveRepairs += 1
          record("proactive", population: p, unit: u, detail: proactive.replace ? "replace" : "clean")
          let ticket = desk.open(population: p, unit: u, mode: event.mode, impact: .none, planned: true,
                                 age: operatingTime - units[p][u].renewedAt, at: now, using: repairSource,
                                 forced: proactive.replace ? .replace : .clean, atWindow: proactive.atWindow)
          units[p][u].openTicket = ticket
          carryOutDeskEffects()
        }
      }
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
    if population.plans[event.mode].decision.keepsServing {
      // Left dark: the rest of the FRU stays in service and can fail again.
      scheduleNextFailure(population: p, unit: u, keepAge: true)
      state = units[p][u]
    } else {
      state.generation += 1  // no further failures until repaired
      units[p][u] = state
    }
    if let existing = state.openTicket {
      // A repair already on its way (a planned swap, a swap of a board left dark) fixes this too.
      desk.add(impact, mode: event.mode, to: existing, at: now, using: repairSource)
      carryOutDeskEffects()
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
      let draw = flaps.draw(horizon: horizon, months: counts.monthly.count, hoursPerMonth: TimeUnits.hoursPerMonth,
                            excluding: lemonsAtStart[flaps.population], using: source)
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
