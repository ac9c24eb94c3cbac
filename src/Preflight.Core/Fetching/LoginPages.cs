namespace Preflight.Core.Fetching;

/// <summary>Recognises redirects to a sign-in page: the usual answer of a share link that is not public.</summary>
internal static class LoginPages
{
    // Whole words only: "auth" must match /auth/ or auth.example.com, not /authors/.
    private static readonly HashSet<string> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        "login", "logon", "signin", "sign-in", "sign_in", "auth", "oauth", "oauth2", "authorize", "sso", "saml",
        "servicelogin", "accounts", "idp", "cas", "adfs", "authenticate",
    };

    private static readonly string[] Hosts =
    [
        "accounts.google.com", "login.microsoftonline.com", "login.live.com", "signin.aws.amazon.com",
        "www.dropbox.com/login", "auth0.com", "okta.com",
    ];

    public static bool Looks(Uri location)
    {
        var hostAndPath = (location.Host + location.AbsolutePath).ToLowerInvariant();
        foreach (var host in Hosts)
        {
            if (hostAndPath.Contains(host, StringComparison.Ordinal)) return true;
        }

        // "accounts" alone is a common word in hosts (accounts.example.com) but too vague in paths.
        var hostWords = location.Host.Split('.', StringSplitOptions.RemoveEmptyEntries);
        if (hostWords.Length > 2 && Words.Contains(hostWords[0])) return true;

        foreach (var segment in location.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var word = Uri.UnescapeDataString(segment);
            var dot = word.LastIndexOf('.');
            if (dot > 0) word = word[..dot]; // login.php, signin.aspx
            if (Words.Contains(word) && !string.Equals(word, "accounts", StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
