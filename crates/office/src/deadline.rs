//! Deadline phrases as offices write them (6月底前, 三季度末, 每月23日前, 持续推进) read into dates and cadences.
