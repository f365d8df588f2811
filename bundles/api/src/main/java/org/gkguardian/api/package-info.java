/**
 * The contract between GK Guardian's bundles: value types describing roles, members and events,
 * and the small service interfaces through which the guardian observes and acts.
 *
 * <p>Data flows one way: the guardian observes (membership, gatekeeper health, quorum), the
 * {@link org.gkguardian.api.ElectionRule} decides, the guardian carries the decision out through
 * {@link org.gkguardian.api.GatekeeperControl} and {@link org.gkguardian.api.VipControl}, and
 * publishes it to {@link org.gkguardian.api.GuardianListener}s. SNMP and the shell read through
 * {@link org.gkguardian.api.Guardian} and submit operator commands back through it.
 */
@Export
@Version("0.4.0")
package org.gkguardian.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
