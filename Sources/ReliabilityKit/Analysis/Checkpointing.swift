import Foundation

/// Checkpoint-interval theory: the closed forms the simulated jobs are checked against, and the
/// advice the report gives.
public enum Checkpointing {
  /// Young's first-order optimum τ = √(2δM) (Young 1974, CACM 17(9)).
  /// - Parameters:
  ///   - writeTime: δ, the blocking checkpoint write time, in hours.
  ///   - meanTimeBetweenInterruptions: M, in hours.
  public static func youngOptimum(writeTime δ: Hours, meanTimeBetweenInterruptions m: Hours) -> Hours {
    (2 * δ * m).squareRoot()
  }

  /// Daly's higher-order optimum (Daly 2006, FGCS 22(3)):
  /// τ = √(2δM) [1 + ⅓√(δ/2M) + ⅑(δ/2M)] − δ for δ < 2M, and M otherwise.
  public static func dalyOptimum(writeTime δ: Hours, meanTimeBetweenInterruptions m: Hours) -> Hours {
    guard δ < 2 * m else { return m }
    let x = δ / (2 * m)
    return (2 * δ * m).squareRoot() * (1 + x.squareRoot() / 3 + x / 9) - δ
  }

  /// Kokolis et al.'s first-order expected ETTR (HPCA 2025):
  /// (1 − λ(u0 + Δ/2)) / (1 + w/Δ), with λ the job's interruption rate.
  public static func kokolisETTR(interruptionRate λ: Double, restartOverhead u0: Hours, interval Δ: Hours, writeTime w: Hours) -> Double {
    (1 - λ * (u0 + Δ / 2)) / (1 + w / Δ)
  }

  /// The exact long-run ETTR of cposim's job model under Poisson interruptions at rate λ that
  /// strike only while the job runs: each cycle restarts (u0), then computes in blocks of Δ each
  /// followed by a write of w, until an interruption loses the unfinished block. By renewal-reward,
  /// ETTR = E[saved work] / E[cycle] = Δ q/(1 − q) / (1/λ + u0), with q = e^(−λ(Δ + w)).
  public static func exactETTR(interruptionRate λ: Double, restartOverhead u0: Hours, interval Δ: Hours, writeTime w: Hours) -> Double {
    let q = exp(-λ * (Δ + w))
    return Δ * q / -expm1(-λ * (Δ + w)) / (1 / λ + u0)
  }
}
