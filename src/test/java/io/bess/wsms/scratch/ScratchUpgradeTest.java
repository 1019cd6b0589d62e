package io.bess.wsms.scratch;

import java.net.Socket;
import java.util.Map;

import io.bess.wsms.ServiceFixture;
import org.junit.jupiter.api.Test;

class ScratchUpgradeTest {
    @Test
    void probe() throws Exception {
        try (ServiceFixture service = ServiceFixture.start(Map.of());
             Socket s = new Socket("127.0.0.1", service.port())) {
            s.setSoTimeout(3000);
            s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes());
            byte[] b = new byte[4000];
            int total = 0;
            try {
                int n;
                while ((n = s.getInputStream().read(b, total, b.length - total)) > 0) {
                    total += n;
                }
            } catch (Exception e) {
                System.out.println("EXC " + e);
            }
            System.out.println("GOT[" + new String(b, 0, total, java.nio.charset.StandardCharsets.ISO_8859_1) + "]");
        }
    }
}
