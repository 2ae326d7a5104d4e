extension PlantLayout {
  /// The part that carries FRU `fru`'s price, warranty, rework price and RMA logistics cost: the
  /// first part of the FRU's first population (the board itself on a CPO switch board, whose
  /// optical engines and lasers are parts of the same FRU).
  func fruPart(_ fru: String) -> Part? {
    populations.first { $0.fru == fru }?.parts.first?.part
  }

  /// Warranty of each spare pool's FRU, in hours, in the order of `spareFRUs` (0: none). A FRU
  /// under a support contract (`support_usd_per_year` > 0, paid over the whole horizon) is
  /// covered all the horizon: the contract's hardware replacement makes every replacement or
  /// rework an RMA, as inside warranty (docs/alternatives.md).
  var spareWarranties: [Hours] {
    spareFRUs.map { fru in
      guard let part = fruPart(fru) else { return 0 }
      return part.supportUSDPerYear > 0 ? .infinity : part.warranty ?? 0
    }
  }
}
