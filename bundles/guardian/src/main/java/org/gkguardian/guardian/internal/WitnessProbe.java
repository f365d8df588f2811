package org.gkguardian.guardian.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Asks whether the witness answers. */
@FunctionalInterface
interface WitnessProbe {

    boolean answers(InetAddress witness, int port, int timeoutMs);

    /**
     * Port 0: ICMP echo, which Java uses when it may (as root), else the TCP echo port, where a refusal is an answer
     * too. Another port: a TCP connect, where an accept or a refusal both prove the host is there.
     */
    WitnessProbe NETWORK = (witness, port, timeoutMs) -> {
        try {
            if (port == 0) {
                return witness.isReachable(timeoutMs);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(witness, port), timeoutMs);
                return true;
            } catch (ConnectException refused) {
                return refused.getMessage() != null && refused.getMessage().contains("refused");
            }
        } catch (IOException e) {
            return false;
        }
    };
}
