package org.gkguardian.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The election: a pure function from the members' states to the decision. Every member that sees
 * the same input computes the same result.
 */
@ProviderType
public interface ElectionRule {
    ElectionResult decide(ElectionInput input);
}
