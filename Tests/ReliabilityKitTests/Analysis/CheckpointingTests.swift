import Foundation
import Testing
import ReliabilityKit

@Suite("Checkpoint theory")
struct CheckpointingTests {
  @Test("Daly's optimum reproduces his published values (R = 10 min, δ = 5 min)")
  func dalyPublished() {
    let δ = 5.0 / 60
    #expect(abs(Checkpointing.dalyOptimum(writeTime: δ, meanTimeBetweenInterruptions: 24) * 60 - 116.7) < 0.05)
    #expect(abs(Checkpointing.dalyOptimum(writeTime: δ, meanTimeBetweenInterruptions: 6) * 60 - 56.7) < 0.05)
    #expect(abs(Checkpointing.dalyOptimum(writeTime: δ, meanTimeBetweenInterruptions: 0.25) * 60 - 9.14) < 0.01)
    #expect(Checkpointing.dalyOptimum(writeTime: 3, meanTimeBetweenInterruptions: 1) == 1)
  }

  @Test("Kokolis' 16k-GPU points: 0.684 at Δ = 60 min and 0.932 at Δ = 5 min")
  func kokolisPublished() {
    let λ = 2000 * 6.5e-3 / 24
    #expect(abs(Checkpointing.kokolisETTR(interruptionRate: λ, restartOverhead: 5.0 / 60, interval: 1, writeTime: 0) - 0.684) < 0.001)
    #expect(abs(Checkpointing.kokolisETTR(interruptionRate: λ, restartOverhead: 5.0 / 60, interval: 5.0 / 60, writeTime: 0) - 0.932) < 0.001)
  }
}
