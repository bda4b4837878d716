# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwc.res contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment:

    # Connection options of every module and plugin. Modules read the environment
    # variables named here through argument-spec fallbacks.
    DOCUMENTATION = r"""
options:
  region:
    description:
      - Huawei Cloud region, used to build the default O(endpoint) and O(identity_endpoint),
        and as the default O(project_name).
      - If not set, the value of the E(HW_REGION_NAME) environment variable is used.
    type: str
    default: cn-north-4
  cloud:
    description:
      - Domain suffix of the cloud's endpoints.
      - If not set, the value of the E(HW_CLOUD) environment variable is used.
    type: str
    default: myhuaweicloud.com
  endpoint:
    description:
      - Base URL of the RES API, without the C(/v1) path.
      - If not set, the value of the E(HW_RES_ENDPOINT) environment variable is used,
        and failing that C(https://res.<region>.<cloud>).
    type: str
  identity_endpoint:
    description:
      - Base URL of the IAM v3 API. Tokens are requested from C(<identity_endpoint>/auth/tokens).
      - If not set, the value of the E(HW_AUTH_URL) environment variable is used,
        and failing that C(https://iam.<region>.<cloud>/v3).
    type: str
  project_id:
    description:
      - ID of the project whose services are read.
      - If not set, the value of the E(HW_PROJECT_ID) environment variable is used.
      - Required with O(auth_token). With password authentication it defaults to the project of the
        issued token; with AK/SK signing it is looked up in IAM by O(project_name).
    type: str
  project_name:
    description:
      - Name of the project to scope IAM password tokens to, and to look the project ID up by when
        O(project_id) is not set.
      - If not set, the value of the E(HW_PROJECT_NAME) environment variable is used, and failing that O(region).
    type: str
  workspace_id:
    description:
      - RES workspace whose services are read.
      - If not set, the value of the E(HW_RES_WORKSPACE_ID) environment variable is used.
    type: str
    default: "0"
  access_key:
    description:
      - Access key ID (AK) for C(SDK-HMAC-SHA256) request signing, together with O(secret_key).
      - If not set, the value of the E(HW_ACCESS_KEY) environment variable is used.
    type: str
  secret_key:
    description:
      - Secret access key (SK) that signs requests made with O(access_key).
      - If not set, the value of the E(HW_SECRET_KEY) environment variable is used.
    type: str
  security_token:
    description:
      - Security token of temporary AK/SK credentials, sent as C(X-Security-Token).
      - If not set, the value of the E(HW_SECURITY_TOKEN) environment variable is used.
    type: str
  auth_token:
    description:
      - A pre-issued IAM token, sent as C(X-Auth-Token). It cannot be renewed; when it expires the task fails.
      - If not set, the value of the E(HW_AUTH_TOKEN) environment variable is used.
    type: str
  user:
    description:
      - IAM user name for password authentication, together with O(password) and O(domain).
      - If not set, the value of the E(HW_USER_NAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(user).
      - If not set, the value of the E(HW_USER_PASSWORD) environment variable is used.
    type: str
  domain:
    description:
      - Account (domain) name that O(user) belongs to.
      - If not set, the value of the E(HW_DOMAIN_NAME) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the TLS certificates of the endpoints. Turn it off only for test endpoints.
      - If not set, the value of the E(HW_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - Path to a PEM bundle of CA certificates to verify the endpoints with. It must exist.
      - If not set, the value of the E(HW_CA_PATH) environment variable is used; failing that, as with
        M(ansible.builtin.uri), the bundle named by E(REQUESTS_CA_BUNDLE), E(CURL_CA_BUNDLE) or E(SSL_CERT_FILE)
        (the first one set); failing that, the CA bundle of the Python package C(certifi) that C(requests) uses,
        not the operating system's store.
    type: path
  timeout:
    description:
      - Seconds each attempt of an HTTP request may take to connect, and then to deliver its whole answer,
        body included. From 1 to 3600.
    type: int
    default: 30
  retries:
    description:
      - How many times to retry a request after a connection error, a timeout, or HTTP 429, 500, 502, 503
        or 504, with exponential backoff and jitter, honouring C(Retry-After) (capped at 60 seconds).
        From 0 to 10.
    type: int
    default: 3
notes:
  - "Authentication: O(auth_token) is used if set; otherwise AK/SK signing if O(access_key) and O(secret_key)
    are set; otherwise IAM password authentication with O(user), O(password) and O(domain).
    A method given in part, or none at all, is an error."
  - With password authentication, a task asks IAM for one token per credential set and project, reuses it for
    all its requests (an inventory source reading several workspaces of a project, for example), and renews it
    once if the API answers that it has expired. Tokens are kept in memory only, so every task asks anew.
  - Secrets (O(secret_key), O(security_token), O(auth_token), O(password)) are never logged or returned. When the
    API echoes a request in its error text, every configured secret and every token IAM issued during the task is
    replaced with C(<redacted>) before the text reaches a message or a result.
  - Values sent in HTTP headers (O(auth_token), O(security_token), O(access_key), O(secret_key), O(project_id))
    must be printable ASCII without blanks; endpoints must not carry a user name or password.
  - Answers are read as a stream and refused past 100 MiB once decompressed (about 250,000 services).
    Redirects are not followed; an HTTP 3xx answer is an error naming its C(Location).
  - An E(HW_*) environment variable set to an empty string counts as not set, as AWX sets one for every
    credential field left empty.
requirements:
  - requests
"""

    # Controller plugins (lookup, inventory) read the same options through
    # Ansible's configuration system, which needs the environment variables
    # declared as env entries; the descriptions above stay the single text.
    PLUGIN = r"""
options:
  region:
    env:
      - name: HW_REGION_NAME
  cloud:
    env:
      - name: HW_CLOUD
  endpoint:
    env:
      - name: HW_RES_ENDPOINT
  identity_endpoint:
    env:
      - name: HW_AUTH_URL
  project_id:
    env:
      - name: HW_PROJECT_ID
  project_name:
    env:
      - name: HW_PROJECT_NAME
  workspace_id:
    env:
      - name: HW_RES_WORKSPACE_ID
  access_key:
    env:
      - name: HW_ACCESS_KEY
  secret_key:
    env:
      - name: HW_SECRET_KEY
  security_token:
    env:
      - name: HW_SECURITY_TOKEN
  auth_token:
    env:
      - name: HW_AUTH_TOKEN
  user:
    env:
      - name: HW_USER_NAME
  password:
    env:
      - name: HW_USER_PASSWORD
  domain:
    env:
      - name: HW_DOMAIN_NAME
  validate_certs:
    env:
      - name: HW_VALIDATE_CERTS
  ca_path:
    env:
      - name: HW_CA_PATH
"""
