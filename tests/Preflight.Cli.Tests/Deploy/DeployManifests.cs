using System.Text.RegularExpressions;
using Preflight.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Preflight.Cli.Tests.Deploy;

/// <summary>One container of a deployment manifest, reduced to what must agree with the app.</summary>
internal sealed record DeployedContainer(
    string Source,
    string Name,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string?> Env,
    IReadOnlyDictionary<string, string> SecretEnv,
    IReadOnlyList<int> Ports,
    IReadOnlyList<(string Path, int Port)> Probes,
    int? TerminationGracePeriodSeconds)
{
    /// <summary>The preflight command the container runs: <c>serve</c> or <c>worker</c>.</summary>
    public string Face => Args.Count > 0 ? Args[0] : "serve";
}

/// <summary>A KEDA azure-queue trigger (Kubernetes ScaledObject or Container Apps azureQueue rule).</summary>
internal sealed record QueueTrigger(string Source, string TargetFace, string QueueName, int QueueLength, string ConnectionSecret);

/// <summary>Everything the manifests under deploy/ say: containers, queue triggers, storage names.</summary>
internal sealed class DeployManifests
{
    public List<DeployedContainer> Containers { get; } = [];
    public List<QueueTrigger> Triggers { get; } = [];
    public List<string> Queues { get; } = [];
    public List<string> BlobContainers { get; } = [];
    public List<string> EventGridQueues { get; } = [];
    public List<string> EventGridContainers { get; } = [];
    public List<string> Problems { get; } = [];

    public static string Folder => Path.Combine(RepoPaths.Root, "deploy");

    public static DeployManifests Load()
    {
        var manifests = new DeployManifests();
        foreach (var file in Directory.GetFiles(Path.Combine(Folder, "kubernetes"), "*.yaml").Order(StringComparer.Ordinal))
            manifests.ReadKubernetes(file);
        foreach (var file in Directory.GetFiles(Path.Combine(Folder, "azure-container-apps"), "*.bicep").Order(StringComparer.Ordinal))
            manifests.ReadBicep(file);
        return manifests;
    }

    // ---- Kubernetes ------------------------------------------------------------------------------------------

    private readonly Dictionary<string, DeployedContainer> _deployments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Secret, string Key)> _triggerAuth = new(StringComparer.Ordinal);
    private readonly List<(string Source, string Target, string Queue, string Length, string Auth)> _scaledObjects = [];

    private void ReadKubernetes(string file)
    {
        var source = "kubernetes/" + Path.GetFileName(file);
        var stream = new YamlStream();
        using (var reader = new StreamReader(file)) stream.Load(reader);
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root) continue;
            var kind = Scalar(root, "kind");
            var name = Scalar(Map(root, "metadata"), "name") ?? "";
            switch (kind)
            {
                case "Deployment":
                    ReadDeployment(source, name, root);
                    break;
                case "TriggerAuthentication":
                    foreach (var target in Seq(Map(root, "spec"), "secretTargetRef"))
                    {
                        if (Scalar(target, "parameter") == "connection")
                            _triggerAuth[name] = (Scalar(target, "name") ?? "", Scalar(target, "key") ?? "");
                    }
                    break;
                case "ScaledObject":
                {
                    var spec = Map(root, "spec");
                    var targetName = Scalar(Map(spec, "scaleTargetRef"), "name") ?? "";
                    foreach (var trigger in Seq(spec, "triggers"))
                    {
                        if (Scalar(trigger, "type") != "azure-queue")
                        {
                            Problems.Add($"{source}: ScaledObject {name} has a trigger of type '{Scalar(trigger, "type")}', not azure-queue");
                            continue;
                        }
                        var metadata = Map(trigger, "metadata");
                        _scaledObjects.Add((source, targetName, Scalar(metadata, "queueName") ?? "", Scalar(metadata, "queueLength") ?? "5",
                            Scalar(Map(trigger, "authenticationRef"), "name") ?? ""));
                    }
                    break;
                }
            }
        }

        foreach (var (src, target, queue, length, auth) in _scaledObjects.ToList())
        {
            if (!_deployments.TryGetValue(target, out var deployment)) continue;
            _scaledObjects.Remove((src, target, queue, length, auth));
            var secret = _triggerAuth.TryGetValue(auth, out var reference) ? $"{reference.Secret}/{reference.Key}" : $"(no TriggerAuthentication '{auth}')";
            Triggers.Add(new QueueTrigger(src, deployment.Face, queue, int.Parse(length, System.Globalization.CultureInfo.InvariantCulture), secret));
        }
    }

    private void ReadDeployment(string source, string name, YamlMappingNode root)
    {
        var pod = Map(Map(Map(root, "spec"), "template"), "spec");
        var grace = Scalar(pod, "terminationGracePeriodSeconds");
        foreach (var container in Seq(pod, "containers"))
        {
            var ports = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var port in Seq(container, "ports"))
                ports[Scalar(port, "name") ?? Scalar(port, "containerPort")!] = int.Parse(Scalar(port, "containerPort")!, System.Globalization.CultureInfo.InvariantCulture);

            var env = new Dictionary<string, string?>(StringComparer.Ordinal);
            var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var variable in Seq(container, "env"))
            {
                var envName = Scalar(variable, "name")!;
                if (Map(Map(variable, "valueFrom"), "secretKeyRef") is { } secret)
                {
                    secrets[envName] = $"{Scalar(secret, "name")}/{Scalar(secret, "key")}";
                    env[envName] = null;
                }
                else
                {
                    env[envName] = Scalar(variable, "value");
                }
            }

            var probes = new List<(string, int)>();
            foreach (var probeName in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
            {
                if (Map(Map(container, probeName), "httpGet") is not { } get) continue;
                var portText = Scalar(get, "port")!;
                var port = int.TryParse(portText, out var number) ? number : ports.GetValueOrDefault(portText, -1);
                probes.Add((Scalar(get, "path") ?? "/", port));
            }

            var args = Seq(container, "args").OfType<YamlScalarNode>().Select(s => s.Value!).ToList();
            var deployed = new DeployedContainer(source, Scalar(container, "name")!, args, env, secrets, [.. ports.Values], probes,
                grace is null ? null : int.Parse(grace, System.Globalization.CultureInfo.InvariantCulture));
            Containers.Add(deployed);
            _deployments[name] = deployed;
        }
    }

    private static YamlMappingNode? Map(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;

    private static IEnumerable<YamlNode> Seq(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode seq ? seq.Children : [];

    private static string? Scalar(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;

    // ---- Bicep (read by regex: the file's own layout is one property per line) ---------------------------------

    private void ReadBicep(string file)
    {
        var source = "azure-container-apps/" + Path.GetFileName(file);
        var text = File.ReadAllText(file);
        var variables = Regex.Matches(text, @"^var (\w+) = (?:'([^']*)'|(\d+))\s*$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Success && m.Groups[2].Length > 0 ? m.Groups[2].Value : m.Groups[3].Value, StringComparer.Ordinal);
        foreach (Match parameter in Regex.Matches(text, @"^param (\w+) \w+ = '?([^'\s]+)'?\s*$", RegexOptions.Multiline))
            variables.TryAdd(parameter.Groups[1].Value, parameter.Groups[2].Value);
        string Resolve(string expression) => expression.StartsWith('\'') ? expression.Trim('\'') : variables.GetValueOrDefault(expression, "${" + expression + "}");

        // Resources, split at each top-level `resource` line.
        var resources = Regex.Split(text, @"^(?=resource )", RegexOptions.Multiline).Where(r => r.StartsWith("resource ", StringComparison.Ordinal));
        foreach (var resource in resources)
        {
            var type = Regex.Match(resource, @"^resource \w+ '([^@']+)@").Groups[1].Value;
            var name = Regex.Match(resource, @"^\s{2}name: (.+)$", RegexOptions.Multiline).Groups[1].Value.Trim();
            switch (type)
            {
                case "Microsoft.Storage/storageAccounts/queueServices/queues":
                    Queues.Add(Resolve(name));
                    break;
                case "Microsoft.Storage/storageAccounts/blobServices/containers":
                    BlobContainers.Add(Resolve(name));
                    break;
                case "Microsoft.EventGrid/systemTopics/eventSubscriptions":
                    foreach (Match queue in Regex.Matches(resource, @"queueName: (\S+)")) EventGridQueues.Add(Resolve(queue.Groups[1].Value));
                    foreach (Match filter in Regex.Matches(resource, @"subjectBeginsWith: '/blobServices/default/containers/\$\{(\w+)\}/'"))
                        EventGridContainers.Add(Resolve(filter.Groups[1].Value));
                    if (!resource.Contains("'Microsoft.Storage.BlobCreated'", StringComparison.Ordinal))
                        Problems.Add($"{source}: the Event Grid subscription does not deliver Microsoft.Storage.BlobCreated");
                    break;
                case "Microsoft.App/containerApps":
                    ReadContainerApp(source, resource, Resolve);
                    break;
            }
        }
    }

    private void ReadContainerApp(string source, string resource, Func<string, string> resolve)
    {
        var args = Regex.Match(resource, @"args: \[(.*?)\]", RegexOptions.Singleline).Groups[1].Value;
        var argList = Regex.Matches(args, @"'([^']*)'").Select(m => m.Groups[1].Value).ToList();

        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        var envBlock = Regex.Match(resource, @"env: \[(.*?)\n\s{10}\]", RegexOptions.Singleline).Groups[1].Value;
        foreach (Match entry in Regex.Matches(envBlock, @"name: '([^']+)'\s+(value|secretRef): (.+)"))
        {
            var value = entry.Groups[3].Value.Trim();
            if (entry.Groups[2].Value == "secretRef")
            {
                secrets[entry.Groups[1].Value] = resolve(value);
                env[entry.Groups[1].Value] = null;
            }
            else
            {
                env[entry.Groups[1].Value] = resolve(value);
            }
        }

        var ports = Regex.Matches(resource, @"targetPort: (\S+)").Select(m => int.Parse(resolve(m.Groups[1].Value), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var probes = Regex.Matches(resource, @"httpGet: \{\s*path: '([^']+)'\s*port: (\S+)\s*\}", RegexOptions.Singleline)
            .Select(m => (m.Groups[1].Value, int.Parse(resolve(m.Groups[2].Value), System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var grace = Regex.Match(resource, @"terminationGracePeriodSeconds: (\d+)");
        var container = new DeployedContainer(source, Regex.Match(resource, @"^\s*name: '(\w+)'", RegexOptions.Multiline).Groups[1].Value,
            argList, env, secrets, ports, probes, grace.Success ? int.Parse(grace.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null);
        Containers.Add(container);

        var queueRule = Regex.Match(resource, @"azureQueue: \{(.*?)\n\s{12}\}", RegexOptions.Singleline);
        if (queueRule.Success)
        {
            var rule = queueRule.Groups[1].Value;
            var length = resolve(Regex.Match(rule, @"queueLength: (\S+)").Groups[1].Value);
            var secret = Regex.Match(rule, @"secretRef: '([^']+)'\s+triggerParameter: 'connection'");
            Triggers.Add(new QueueTrigger(source, container.Face, resolve(Regex.Match(rule, @"queueName: (\S+)").Groups[1].Value),
                int.TryParse(length, out var n) ? n : -1, secret.Success ? secret.Groups[1].Value : "(no connection secret)"));
        }
        if (Regex.IsMatch(resource, @"custom: \{"))
            Problems.Add($"{source}: a custom scale rule; use azureQueue (KEDA azure-queue) for the worker");
    }
}
