package org.gkguardian.guardian.internal;

import java.util.Locale;

/** How a partition earns the right to hold the master role. */
enum QuorumPolicy {
    /** More than half of the configured members are heard. */
    MAJORITY,
    /** The configured witness answers its probe (or every configured member is heard). */
    WITNESS,
    /** Every partition may elect: the patent as written; split brain is possible and reported. */
    NONE;

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
