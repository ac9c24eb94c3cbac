namespace Preflight.Browser.Tests;
