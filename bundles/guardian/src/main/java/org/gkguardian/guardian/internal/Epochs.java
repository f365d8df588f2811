package org.gkguardian.guardian.internal;

/** The epoch and this node's votes, as kept across restarts ({@link EpochStore} on disk). */
interface Epochs extends Agreement.BallotBox {

    long current();

    /** Keeps {@code epoch} if it is higher than the kept one; returns the epoch in force afterwards. */
    long raiseTo(long epoch);
}
