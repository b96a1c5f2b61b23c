"""The staff UI's pages of income distribution: ``runs`` (distribution runs,
statements and the public notice list). Research-centre staff and
superusers only; partners and researchers find nothing here."""
