using Preflight.Api.Hosting;

// The service's table of contents: everything else lives in PreflightApiHost (shared with `preflight serve`).
var builder = WebApplication.CreateBuilder(args);
builder.AddPreflight();

var app = builder.Build();
app.MapPreflight();
app.Run();

/// <summary>Visible to WebApplicationFactory.</summary>
public partial class Program;
