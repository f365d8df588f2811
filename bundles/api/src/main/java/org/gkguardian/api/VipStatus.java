package org.gkguardian.api;

/**
 * Whether one VIP is bound on this host now, as read back from the interface.
 *
 * @param vip   the address
 * @param bound it is configured on the interface
 * @param detail the last problem, or empty
 */
public record VipStatus(VipAddress vip, boolean bound, String detail) {
    public VipStatus {
        detail = detail == null ? "" : detail;
    }
}
