namespace Portico.Api;

internal static class DashboardPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Portico dashboard</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:2rem;background:#f7f7f9;color:#222}
        h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
        table{border-collapse:collapse;width:100%;background:#fff}
        th,td{border:1px solid #ddd;padding:.35rem .5rem;text-align:left;font-size:.9rem;vertical-align:top}
        th{background:#eee}.enabled{color:#080}.warning{color:#b60}.disabled{color:#c00}
        code{font-size:.85rem}
        </style></head>
        <body><h1>Portico</h1><p id="overview"></p>
        <h2>HTTP routers</h2><table id="routers"><thead><tr><th>Status</th><th>Name</th><th>Rule</th><th>Priority</th><th>Entry points</th><th>Middlewares</th><th>Service</th><th>Errors</th></tr></thead><tbody></tbody></table>
        <h2>HTTP services</h2><table id="services"><thead><tr><th>Status</th><th>Name</th><th>Type</th><th>Used by</th><th>Errors</th></tr></thead><tbody></tbody></table>
        <h2>HTTP middlewares</h2><table id="middlewares"><thead><tr><th>Status</th><th>Name</th><th>Type</th><th>Used by</th><th>Errors</th></tr></thead><tbody></tbody></table>
        <script>
        const base = "{{BASE}}";
        const esc = s => String(s ?? "").replace(/[&<>"]/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;","\"":"&quot;"}[c]));
        const cell = v => "<td>" + esc(Array.isArray(v) ? v.join(", ") : v) + "</td>";
        const status = s => '<td class="' + esc(s) + '">' + esc(s) + "</td>";
        async function fill(id, url, cols) {
          const items = await (await fetch(base + url)).json();
          document.querySelector("#" + id + " tbody").innerHTML =
            items.map(i => "<tr>" + status(i.status) + cols.map(c => cell(i[c])).join("") + "</tr>").join("");
        }
        async function refresh() {
          const v = await (await fetch(base + "/api/version")).json();
          document.getElementById("overview").textContent = "Version " + v.version;
          await fill("routers", "/api/http/routers", ["name", "rule", "priority", "entryPoints", "middlewares", "service", "error"]);
          await fill("services", "/api/http/services", ["name", "type", "usedBy", "error"]);
          await fill("middlewares", "/api/http/middlewares", ["name", "type", "usedBy", "error"]);
        }
        refresh(); setInterval(refresh, 5000);
        </script></body></html>
        """;
}
